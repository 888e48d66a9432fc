// End-to-end suites boot every app and wait for real fan-outs.
jest.setTimeout(120_000);

// Some unit suites start the in-process simulator and drive the real SDKs; on a busy 2-core
// machine that can exceed jest's 5 s default without anything being wrong.
jest.setTimeout(30_000);

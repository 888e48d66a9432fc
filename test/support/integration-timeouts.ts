// Integration suites talk to real servers; a broker rebalance alone can take seconds.
jest.setTimeout(60_000);

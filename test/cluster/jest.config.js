// The three-broker test (npm run test:cluster): the integration project's settings, its own files,
// and no global set-up — it runs on a Kafka cluster of its own, a database and a Redis keyspace of
// its own, and must not reset the shared servers that the global set-up empties.
const path = require('node:path');
const root = require('../../jest.config.js');

const integration = root.projects.find((p) => p.displayName === 'integration');
const { globalSetup: _sharedReset, ...settings } = integration;

module.exports = {
  ...settings,
  rootDir: path.join(__dirname, '..', '..'),
  displayName: 'cluster',
  testMatch: ['<rootDir>/test/cluster/**/*.cluster-spec.ts'],
};

const fs = require('node:fs');
const path = require('node:path');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // examples/ holds runnable scripts and the forensic-workflow test a user would write.
  roots: ['test', 'examples'].filter((d) => fs.existsSync(path.join(__dirname, d))).map((d) => `<rootDir>/${d}`),
  testMatch: ['**/*.test.ts'],
  // The package's entry points (package.json "exports"), as examples/ import them, from source.
  moduleNameMapper: {
    '^pcap-alibi$': '<rootDir>/lib/index.ts',
    '^pcap-alibi/(analysis|node)$': '<rootDir>/lib/$1.ts',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 60000,
  // Both cores: jest's default (cores - 1) runs one suite at a time on a 2-core machine, and most
  // suites spend much of their time waiting on the CLI processes they start.
  maxWorkers: 2,
  watchman: false,
};

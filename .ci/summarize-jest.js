#!/usr/bin/env node
// Prints `tests: N passed, M failed` from jest's --json output. A suite that failed to run at all
// (syntax error, failed hook) counts as one failure, so a broken file can never look green.
'use strict';
const fs = require('node:fs');

const file = process.argv[2] ?? 'test-results/jest.json';
let result;
try {
  result = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (error) {
  console.log(`jest result ${file} unreadable (${error.message}): the test run did not complete`);
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}
const brokenSuites = result.testResults.filter(
  (suite) =>
    suite.status === 'failed' && suite.assertionResults.every((t) => t.status !== 'failed'),
).length;
const passed = result.numPassedTests;
const failed = result.numFailedTests + brokenSuites;
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

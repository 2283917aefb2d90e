// @ts-check
// The README check on fixtures: a name counts only when the README writes it as code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unmentioned } from '../readme-exports.mjs';

describe('readme-exports', () => {
  it('reports exported names the README never writes as code', () => {
    const readme = 'Use `trackerAuth(options)` and `TrackerService.client`; see `@InjectTrackerClient()`.\nThe plain word trackerProxy does not count.';
    assert.deepEqual(unmentioned(readme, ['trackerAuth', 'TrackerService', 'InjectTrackerClient', 'trackerProxy', 'TrackerSignIn']), ['trackerProxy', 'TrackerSignIn']);
  });

  it('does not take a longer name for a shorter one', () => {
    assert.deepEqual(unmentioned('`TrackerSignInOptions`', ['TrackerSignIn']), ['TrackerSignIn']);
  });
});

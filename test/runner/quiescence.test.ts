import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Quiescence } from '../../src/runner/quiescence.js';

describe('Quiescence', () => {
  it('fires once after min without touches, and no later than max during a burst', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      let fired = 0;
      const quiet = new Quiescence({ minMs: 200, maxMs: 1000 }, () => fired++);
      quiet.touch();
      mock.timers.tick(150);
      quiet.touch();
      mock.timers.tick(150);
      assert.equal(fired, 0, 'each touch restarts the min countdown');
      mock.timers.tick(60);
      assert.equal(fired, 1);
      for (let t = 0; t < 10; t++) {
        quiet.touch();
        mock.timers.tick(150);
      }
      assert.equal(fired, 2, 'a burst longer than max fires at max');
    } finally {
      mock.timers.reset();
    }
  });
});

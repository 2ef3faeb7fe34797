import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RequeryBudget } from '../../../src/backends/consul/requery-budget.js';

/** A budget on a hand-driven clock with no jitter (random() = 0). */
function budgetAt(burst: number, refillMs: number) {
  const clock = { time: 1_000 };
  const budget = new RequeryBudget(burst, refillMs, { now: () => clock.time, random: () => 0 });
  return { budget, advance: (ms: number) => (clock.time += ms) };
}

describe('RequeryBudget spaces the blocking queries of one dependency', () => {
  it('lets a burst through at once, then holds each query to one per refill interval', () => {
    const { budget } = budgetAt(3, 50);
    assert.deepEqual([budget.take(), budget.take(), budget.take()], [0, 0, 0]);
    assert.equal(budget.take(), 50);
    assert.equal(budget.take(), 100);
  });

  it('lets an isolated change through at once after a long block', () => {
    const { budget, advance } = budgetAt(3, 50);
    for (let i = 0; i < 5; i++) budget.take();
    advance(60_000);
    assert.equal(budget.take(), 0);
  });

  it('waits only for the part of a token not yet refilled', () => {
    const { budget, advance } = budgetAt(1, 50);
    assert.equal(budget.take(), 0);
    advance(20);
    assert.equal(budget.take(), 30);
    advance(30);
    advance(50);
    assert.equal(budget.take(), 0);
  });

  it('adds up to half the interval as jitter when it must wait', () => {
    const budget = new RequeryBudget(1, 40, { now: () => 0, random: () => 1 });
    budget.take();
    assert.equal(budget.take(), 60);
  });

  it('never waits with a zero interval', () => {
    const { budget } = budgetAt(1, 0);
    assert.deepEqual([budget.take(), budget.take(), budget.take()], [0, 0, 0]);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dependencyKey, type Dependency } from '../../src/types/dependency.js';
import { DependencyRegistry } from '../../src/runner/dependency-registry.js';

const list = (prefix: string): Dependency => ({ type: 'kv.list', prefix });
const uses = (...deps: Dependency[]) => new Map(deps.map((dep) => [dependencyKey(dep), dep]));

describe('DependencyRegistry', () => {
  it('starts one watch per distinct dependency and stops it with its last user', () => {
    const events: string[] = [];
    const registry = new DependencyRegistry<string>((dep) => {
      events.push(`start ${dependencyKey(dep)}`);
      return () => events.push(`stop ${dependencyKey(dep)}`);
    });
    registry.setUses('a', uses(list('/app'), list('/db')));
    registry.setUses('b', uses(list('/app')));
    assert.equal(registry.size, 2);
    assert.deepEqual([...registry.usersOf('kv.list(/app)')], ['a', 'b']);
    registry.setUses('a', uses(list('/db')));
    assert.deepEqual(events, ['start kv.list(/app)', 'start kv.list(/db)']);
    registry.setUses('b', uses());
    assert.deepEqual(events.slice(2), ['stop kv.list(/app)']);
    registry.stopAll();
    assert.deepEqual(events.slice(3), ['stop kv.list(/db)']);
    assert.equal(registry.size, 0);
  });
});

/** Sharing the polyglots runs among processes (`npm run reproduce -- polyglots --shard k/n`). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseShard, polyglotSettings, POLYGLOTS_SIZES, shardOf } from "../../lib/experiments/polyglots";

test("parseShard reads k/n and names the fix for anything else", () => {
  assert.deepEqual(parseShard("2/3"), { index: 2, count: 3 });
  assert.deepEqual(parseShard(" 1/1 "), { index: 1, count: 1 });
  for (const bad of ["0/2", "3/2", "1/0", "2", "a/b", "1/2/3", ""]) assert.throws(() => parseShard(bad), /--shard .* is not k\/n .*--shard 1\/2/, bad);
});

test("the shards of a count partition the small preset's runs, each taking about its share", () => {
  const jobs = polyglotSettings(POLYGLOTS_SIZES.small).flatMap((setting) => setting.seeds.map((seed) => `${setting.id}-seed${seed}`));
  for (const count of [1, 2, 3]) {
    const shards = Array.from({ length: count }, (_, i) => shardOf(jobs, { index: i + 1, count }));
    assert.deepEqual(shards.flat().sort(), [...jobs].sort(), `count ${count}: every run once`);
    for (const s of shards) assert.ok(Math.abs(s.length - jobs.length / count) < 1, `count ${count}: ${s.length} of ${jobs.length}`);
  }
});

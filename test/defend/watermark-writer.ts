/**
 * Child process of watermark.test.ts: four concurrent loops query a fully watermarked fake victim
 * and print "ack <query>" once each answer is back, until the parent SIGKILLs the process.
 */
import { WatermarkedVictim, WatermarkRecord } from "../../lib/defend/watermark";
import { FakeVictim } from "../serve/fixtures";

async function main(): Promise<void> {
  const record = await WatermarkRecord.open(process.argv[2]);
  const victim = new WatermarkedVictim(new FakeVictim(), record, { seed: 1, fraction: 1 });
  const loop = async (w: number) => {
    for (let i = 0; ; i++) {
      const query = `loop ${w} query ${i}`;
      await victim.query([query]);
      process.stdout.write(`ack ${query}\n`);
    }
  };
  await Promise.all([0, 1, 2, 3].map(loop));
}

void main();

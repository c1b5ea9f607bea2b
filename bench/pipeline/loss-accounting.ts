/**
 * Where readings went missing. The pipeline is a tree: ingestion acknowledges readings and
 * appends them to the telemetry topic; every other stage reads that topic on its own. So the
 * topic is checked against what was acknowledged, and each stage against the topic: a stage
 * short of the topic lost them itself, a topic short of the acknowledgements lost them before
 * any stage saw them.
 */
export interface StageCount {
  stage: string;
  readings: number;
}

export interface StageDifference {
  stage: string;
  /** What it read from: "acknowledged" or the topic's stage name. */
  from: string;
  expected: number;
  actual: number;
}

export interface LossVerdict {
  /** Readings acknowledged that some stage does not hold (the worst stage's shortfall). */
  lost: number;
  /** Every stage whose count is not its source's, short or over (a duplicate is a fault too). */
  differences: StageDifference[];
}

export function accountLosses(
  acknowledged: number,
  topic: StageCount,
  consumers: StageCount[],
): LossVerdict {
  const differences: StageDifference[] = [];
  if (topic.readings !== acknowledged)
    differences.push({
      stage: topic.stage,
      from: 'acknowledged',
      expected: acknowledged,
      actual: topic.readings,
    });
  for (const c of consumers)
    if (c.readings !== topic.readings)
      differences.push({
        stage: c.stage,
        from: topic.stage,
        expected: topic.readings,
        actual: c.readings,
      });
  // A stage that could not be counted (NaN) proves nothing held: as good as none for the loss.
  const held = (n: number) => (Number.isNaN(n) ? 0 : n);
  const fewest = Math.min(held(topic.readings), ...consumers.map((c) => held(c.readings)));
  return { lost: Math.max(0, acknowledged - fewest), differences };
}

/**
 * One line per difference, naming where the readings went missing (or came twice). Counts taken
 * before the pipeline drained (`settled` false) still move: a stage ahead of the one it reads
 * from is then no proof of duplicates, only of counts taken one after another.
 */
export function describeDifferences(verdict: LossVerdict, settled = true): string[] {
  return verdict.differences.map(({ stage, from, expected, actual }) =>
    Number.isNaN(actual)
      ? `${stage} could not be counted (it did not answer): none of its ${expected.toLocaleString('en-US')} readings from ${from} proven`
      : actual < expected
        ? `${(expected - actual).toLocaleString('en-US')} readings went missing between ${from} and ${stage} (${actual.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')})`
        : `${(actual - expected).toLocaleString('en-US')} readings too many in ${stage} against ${from} (${actual.toLocaleString('en-US')} for ${expected.toLocaleString('en-US')})${settled ? ': duplicates' : ', counted later while still moving'}`,
  );
}

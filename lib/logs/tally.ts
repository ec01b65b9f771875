/**
 * @module logs/tally
 * The errors and restarts among a log's counted entries (classes from logs/lineclass): per bin,
 * in all, and the first few lines of each as samples for the report.
 */
import type { LogBins } from './bins';
import { LineClass } from './lineclass';

/** Sample lines kept per class. */
const SAMPLES = 5;

export class ClassTally {
  errors = 0;
  restarts = 0;
  readonly errorSamples: string[] = [];
  readonly restartSamples: string[] = [];

  constructor(private readonly bins: LogBins) {}

  /** Is a sample of this class still wanted (its text is read only then)? */
  wantSample(cls: number): boolean {
    return ((cls & LineClass.ERROR) !== 0 && this.errorSamples.length < SAMPLES) || ((cls & LineClass.RESTART) !== 0 && this.restartSamples.length < SAMPLES);
  }

  /** An entry of class `cls` at `t` (binned): its bin, the total, a sample. */
  add(t: number, cls: number, text: string): void {
    if (cls & LineClass.ERROR) {
      this.bins.error(t);
      this.errors++;
      if (this.errorSamples.length < SAMPLES) this.errorSamples.push(text);
    }
    if (cls & LineClass.RESTART) {
      this.bins.restart(t);
      this.restarts++;
      if (this.restartSamples.length < SAMPLES) this.restartSamples.push(text);
    }
  }
}

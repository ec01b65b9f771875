/** The generated lab runs never looked at while the verdict was built (see generated.ts). */
import { generatedSet } from './generated';

generatedSet('holdout');

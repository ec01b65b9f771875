/** The generated lab runs looked at while the verdict was built (see generated.ts). */
import { generatedSet } from './generated';

generatedSet('tune');

// A TRY amount as the reports and the console show it: to the kurus (summary.json and run folders keep it exact)
import { dec } from '../../shared/domain/money';

export const tryAmount = (x: string): string => dec(x).toFixed(2);

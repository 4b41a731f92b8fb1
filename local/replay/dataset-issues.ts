// One problem found in a replay dataset: its code (ReplayDatasetCode), where (the file relative to the dataset
// folder, and the 1-based line when one row is at fault) and what was wrong.
import { type ReplayDatasetCode, ReplayDatasetError } from '../../shared/domain/errors';

export interface DatasetIssue {
  readonly code: ReplayDatasetCode;
  readonly file?: string;
  readonly line?: number;
  readonly detail: string;
}

export const issueOf = (e: ReplayDatasetError): DatasetIssue => ({
  code: e.code,
  ...(e.file === undefined ? {} : { file: e.file }),
  ...(e.line === undefined ? {} : { line: e.line }),
  detail: e.detail,
});

export const errorOf = (i: DatasetIssue): ReplayDatasetError =>
  new ReplayDatasetError(i.code, i.detail, i.file, i.line);

/** `code: file:line: detail`, the error's own message */
export const issueText = (i: DatasetIssue): string => errorOf(i).message;

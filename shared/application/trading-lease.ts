// The one lease every trading stage of an account takes (stage 3 and stage 4 alike): two stages never trade
// one account at once, and every journal, replace and state write of a cycle is fenced by this lease's epoch.
export const tradingLeaseName = (account: string): string => `trading#${account}`;

// What a command printed: its stdout and stderr lines, and the CommandIo that collects them
export const sinks = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
};

// Builds a function's dependencies on first use and keeps them for the container's lifetime. A bad
// configuration fails the first invocation with the ConfigError, before any event is acted on.
export function lazy<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}

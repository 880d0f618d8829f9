// Fails while loading, as a function with a bad import or a top-level error does.
throw new Error("broken on purpose");

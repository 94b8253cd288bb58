/** `T` with its members writable: for building a readonly record member by member before handing it on. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

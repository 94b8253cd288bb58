/**
 * Reading exercise files: the JSON text is parsed and checked (`parseExercise`), and every problem
 * comes back as a list rather than a thrown error, so that callers (the CLI, the server's library)
 * can show them all. Files over `MAX_EXERCISE_BYTES` are refused before they are read.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ExerciseError, parseExercise, type Exercise } from "./exercise.js";

/** The largest exercise file read: a week of one-minute fixes of a few devices fits easily. */
export const MAX_EXERCISE_BYTES = 16 * 1024 * 1024;

export type ExerciseLoad =
  { readonly ok: true; readonly exercise: Exercise } | { readonly ok: false; readonly problems: string[] };

/** Parses exercise JSON text. */
export function exerciseFromText(text: string): ExerciseLoad {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`not valid JSON: ${(error as Error).message}`] };
  }
  try {
    return { ok: true, exercise: parseExercise(document) };
  } catch (error) {
    if (error instanceof ExerciseError) return { ok: false, problems: [...error.problems] };
    throw error;
  }
}

/** Reads and parses one exercise file. */
export function readExerciseFile(path: string): ExerciseLoad {
  try {
    const size = statSync(path).size;
    if (size > MAX_EXERCISE_BYTES)
      return {
        ok: false,
        problems: [`the file is ${size} bytes; exercises are at most ${MAX_EXERCISE_BYTES}`],
      };
    return exerciseFromText(readFileSync(path, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    return { ok: false, problems: [`cannot read the file (${code})`] };
  }
}

/** The `*.json` files of a folder, sorted by name. */
export function exerciseFiles(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => join(folder, name));
}

/** The exercise library shipped with Sealwatch (`training/exercises/` in the package). */
export const LIBRARY_FOLDER = fileURLToPath(new URL("../../../training/exercises/", import.meta.url));

/** Loads every exercise of a folder by id; a malformed file or a repeated id stops it with every problem. */
export function loadLibrary(folder: string = LIBRARY_FOLDER): Map<string, Exercise> {
  const library = new Map<string, Exercise>();
  const problems: string[] = [];
  for (const file of exerciseFiles(folder)) {
    const loaded = readExerciseFile(file);
    if (!loaded.ok) problems.push(...loaded.problems.map((p) => `${file}: ${p}`));
    else if (library.has(loaded.exercise.id))
      problems.push(`${file}: exercise id ${loaded.exercise.id} is used twice`);
    else library.set(loaded.exercise.id, loaded.exercise);
  }
  if (problems.length > 0) throw new ExerciseError(problems);
  return library;
}

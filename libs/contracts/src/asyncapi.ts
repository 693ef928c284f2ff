import { fileURLToPath } from 'node:url';

/** Absolute path of asyncapi.yaml, the AsyncAPI 3.0 document of every topic; it sits beside src/ and dist/. */
export function asyncApiDocumentPath(): string {
  return fileURLToPath(new URL('../asyncapi.yaml', import.meta.url));
}

import { prepareTestTemplates } from '../mission-service/src/testing/test-db.ts';

/** Runs once before all test files: prepares the database templates every test file copies. */
export default async function setup(): Promise<void> {
  await prepareTestTemplates();
}

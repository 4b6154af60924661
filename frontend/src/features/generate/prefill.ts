import { Inbox } from "../../lib/inbox";
import type { GenerateDraft } from "./draft";

/** "Generate again" from a job: the Generate form takes these on its next render. */
export const generatePrefill = new Inbox<Partial<GenerateDraft>>();

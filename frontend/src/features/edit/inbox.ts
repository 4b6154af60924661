import { Inbox } from "../../lib/inbox";

export interface EditHandoff {
  files: { name: string; blob: Blob }[];
  prompt?: string;
}

/** Images sent to the Edit screen from anywhere (send to edit, paste). */
export const editInbox = new Inbox<EditHandoff>();

/** `npm run db:seed`: loads the demo data into DATABASE_URL when it is empty. */
import { disconnectDb } from "../app/lib/db.server.ts";
import { loadDemoDataIfEmpty } from "../prisma/seed/demo.ts";

console.log(await loadDemoDataIfEmpty((line) => console.log(line)));
await disconnectDb();

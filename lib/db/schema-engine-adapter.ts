// The pg driver adapter as Prisma's WebAssembly schema engine needs it. Two repairs:
//
// 1. The adapter runs a migration script by splitting it at every ";", which breaks function
//    bodies ($$ ... ; ... $$) and even comments. We send the script whole, as one simple query,
//    which Postgres splits correctly.
// 2. The engine reads
// catalog columns of Postgres's one-byte type "char" (pg_constraint.contype and the like) and
// expects them typed as characters; @prisma/adapter-pg rejects that type as unsupported. We
// present such columns as text to the adapter, then retype them as characters for the engine.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

const CHAR_OID = 18;
const TEXT_OID = 25;
/** ColumnTypeEnum.Character in @prisma/driver-adapter-utils. */
const CHARACTER = 6;

/** Result rows arrays → indexes of their "char" columns. */
const charColumns = new WeakMap<object, number[]>();

function relabel(result: pg.QueryResult | undefined) {
  const indexes: number[] = [];
  result?.fields?.forEach((field, i) => {
    if (field.dataTypeID === CHAR_OID) {
      field.dataTypeID = TEXT_OID;
      indexes.push(i);
    }
  });
  if (result && indexes.length) charColumns.set(result.rows, indexes);
  return result;
}

class CharRelabellingClient extends pg.Client {
  // pg's overloads cannot be restated in an override; this handles the callback form (used by
  // pg.Pool#query) and the promise form (used by the adapter).
  override query(...args: unknown[]): never {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === "function") {
      args[last] = (error: Error | null, result: pg.QueryResult) => callback(error, relabel(result));
      return (super.query as (...a: unknown[]) => never)(...args);
    }
    return (super.query as (...a: unknown[]) => Promise<pg.QueryResult>)(...args).then(relabel) as never;
  }
}

interface RawResult {
  columnTypes: number[];
  rows: unknown[][];
}
interface Queryable {
  queryRaw(query: unknown): Promise<RawResult>;
  startTransaction?(...args: unknown[]): Promise<Queryable>;
  executeScript?(script: string): Promise<void>;
  /** The adapter's pg pool or client, and its error translation (internal, stable in 7.x). */
  client?: { query(text: string): Promise<unknown> };
  onError?(error: unknown): never;
}

function repair<T extends Queryable>(queryable: T): T {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const i of charColumns.get(result.rows) ?? []) result.columnTypes[i] = CHARACTER;
    return result;
  };
  const startTransaction = queryable.startTransaction?.bind(queryable);
  if (startTransaction) queryable.startTransaction = async (...args) => repair(await startTransaction(...args));
  const { client, onError } = queryable;
  if (queryable.executeScript && client && onError) {
    queryable.executeScript = async (script) => {
      try {
        await client.query(script);
      } catch (error) {
        onError.call(queryable, error);
      }
    };
  }
  return queryable;
}

export async function connectAdapter(url: string) {
  const adapter = await new PrismaPg({ connectionString: url, Client: CharRelabellingClient }).connect();
  return repair(adapter as unknown as Queryable) as unknown as typeof adapter;
}

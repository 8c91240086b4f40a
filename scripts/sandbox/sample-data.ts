// Sample data of the `npm start` sandbox: the PostgreSQL `shop` schema (SQL), the objects of the S3
// bucket `sandbox-data` and the files of the ADLS Gen2 container `lake`. Deterministic: every run
// produces the same rows and files (a seeded PRNG here, setseed() in PostgreSQL).

export const PG_DATABASE = "sandbox";
export const S3_BUCKET = "sandbox-data";
export const ADLS_CONTAINER = "lake";
/** The S3 prefix holding PAGING_KEYS small objects, to show "Load more…" in the tree. */
export const PAGING_PREFIX = "paging/";
export const PAGING_KEYS = 10_000;

export const COUNTS = { customers: 2_000, products: 40, orders: 5_000 } as const;

/** Runs as one psql script in database PG_DATABASE (ON_ERROR_STOP). */
export const SHOP_SQL = String.raw`
SELECT setseed(0.4242);

CREATE SCHEMA shop;
COMMENT ON SCHEMA shop IS 'Sample web shop of the npm start sandbox';

CREATE TABLE shop.customers (
  id           integer PRIMARY KEY,
  name         text        NOT NULL,
  email        text        NOT NULL UNIQUE,
  country      char(2)     NOT NULL,
  signed_up_at timestamptz NOT NULL,
  is_active    boolean     NOT NULL DEFAULT true,
  tags         text[]      NOT NULL DEFAULT '{}'
);
COMMENT ON TABLE shop.customers IS 'People who buy things';

CREATE TABLE shop.products (
  id         integer PRIMARY KEY,
  sku        text          NOT NULL UNIQUE,
  name       text          NOT NULL,
  category   text          NOT NULL,
  unit_price numeric(10,2) NOT NULL CHECK (unit_price >= 0)
);
COMMENT ON TABLE shop.products IS 'The catalogue';

CREATE TABLE shop.orders (
  id          integer PRIMARY KEY,
  customer_id integer     NOT NULL REFERENCES shop.customers (id),
  status      text        NOT NULL CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled')),
  ordered_at  timestamptz NOT NULL,
  shipping    jsonb
);
CREATE INDEX orders_customer_id_idx ON shop.orders (customer_id);
CREATE INDEX orders_ordered_at_idx ON shop.orders (ordered_at);
COMMENT ON TABLE shop.orders IS 'One row per checkout';

CREATE TABLE shop.order_items (
  order_id   integer       NOT NULL REFERENCES shop.orders (id) ON DELETE CASCADE,
  line_no    smallint      NOT NULL,
  product_id integer       NOT NULL REFERENCES shop.products (id),
  quantity   integer       NOT NULL CHECK (quantity > 0),
  unit_price numeric(10,2) NOT NULL,
  PRIMARY KEY (order_id, line_no)
);
CREATE INDEX order_items_product_id_idx ON shop.order_items (product_id);
COMMENT ON TABLE shop.order_items IS 'Lines of an order, priced at the time of the order';

INSERT INTO shop.customers (id, name, email, country, signed_up_at, is_active, tags)
SELECT g,
       (ARRAY['Ada','Grace','Alan','Edsger','Barbara','Donald','Ken','Margaret','Linus','Frances'])[1 + g % 10]
         || ' ' ||
       (ARRAY['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Thompson','Hamilton','Torvalds','Allen'])[1 + (g / 10) % 10],
       'customer' || g || '@example.com',
       (ARRAY['DE','FR','US','GB','NL','SE','ES','IT','PL','JP'])[1 + floor(random() * 10)::int],
       timestamptz '2022-01-01 00:00:00+00' + random() * interval '730 days',
       random() > 0.1,
       CASE WHEN g % 13 = 0 THEN ARRAY['vip'] WHEN g % 7 = 0 THEN ARRAY['newsletter'] WHEN g % 29 = 0 THEN ARRAY['vip', 'newsletter'] ELSE '{}' END
FROM generate_series(1, ${COUNTS.customers}) g;

INSERT INTO shop.products (id, sku, name, category, unit_price)
SELECT g,
       'SKU-' || lpad(g::text, 4, '0'),
       (ARRAY['Mug','Notebook','Sticker pack','T-shirt','Hoodie','Cap','Poster','Keyboard','Mouse pad','Water bottle'])[1 + (g - 1) % 10]
         || ' ' || (ARRAY['classic','pro','mini','deluxe'])[1 + (g - 1) / 10],
       (ARRAY['kitchen','office','office','apparel','apparel','apparel','decor','electronics','electronics','kitchen'])[1 + (g - 1) % 10],
       round((4 + random() * 96)::numeric, 2)
FROM generate_series(1, ${COUNTS.products}) g;

INSERT INTO shop.orders (id, customer_id, status, ordered_at, shipping)
SELECT g,
       1 + floor(random() * ${COUNTS.customers})::int,
       (ARRAY['delivered','delivered','delivered','shipped','paid','pending','cancelled'])[1 + floor(random() * 7)::int],
       timestamptz '2023-01-01 00:00:00+00' + random() * interval '700 days',
       CASE WHEN g % 11 = 0 THEN NULL
            ELSE jsonb_build_object('carrier', (ARRAY['DHL','UPS','PostNL','La Poste'])[1 + g % 4], 'express', g % 5 = 0, 'parcels', 1 + g % 3)
       END
FROM generate_series(1, ${COUNTS.orders}) g;

INSERT INTO shop.order_items (order_id, line_no, product_id, quantity, unit_price)
SELECT x.order_id, x.line_no, p.id, x.quantity, p.unit_price
FROM (SELECT o.id AS order_id, l AS line_no,
             1 + floor(random() * ${COUNTS.products})::int AS product_id,
             1 + floor(random() * 4)::int AS quantity
      FROM shop.orders o CROSS JOIN LATERAL generate_series(1, 1 + (o.id * 7919) % 5) l) x
JOIN shop.products p ON p.id = x.product_id;

CREATE VIEW shop.order_totals AS
SELECT o.id AS order_id, o.customer_id, c.name AS customer, o.status, o.ordered_at,
       count(i.line_no) AS items,
       coalesce(sum(i.quantity * i.unit_price), 0)::numeric(12,2) AS total
FROM shop.orders o
JOIN shop.customers c ON c.id = o.customer_id
LEFT JOIN shop.order_items i ON i.order_id = o.id
GROUP BY o.id, c.name;
COMMENT ON VIEW shop.order_totals IS 'Orders with their customer, item count and total';

CREATE VIEW shop.revenue_by_month AS
SELECT date_trunc('month', ordered_at)::date AS month, count(*) AS orders, sum(total) AS revenue
FROM shop.order_totals
WHERE status <> 'cancelled'
GROUP BY 1
ORDER BY 1;

ANALYZE;
`;

/** Small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SampleFile {
  path: string;
  body: string;
  contentType: string;
}

const COUNTRIES = ["DE", "FR", "US", "GB", "NL", "SE", "ES", "IT", "PL", "JP"];
const PRODUCTS = ["Mug", "Notebook", "Sticker pack", "T-shirt", "Hoodie", "Cap", "Poster", "Keyboard", "Mouse pad", "Water bottle"];
const EVENTS = ["page_view", "add_to_cart", "checkout", "search", "login"];

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

function ordersCsv(rand: () => number, year: number, month: number, rows: number): string {
  const lines = ["order_id,customer_id,ordered_at,country,product,quantity,unit_price"];
  for (let i = 1; i <= rows; i++) {
    const day = 1 + Math.floor(rand() * 28);
    const at = `${year}-${pad(month)}-${pad(day)}T${pad(Math.floor(rand() * 24))}:${pad(Math.floor(rand() * 60))}:00Z`;
    const product = PRODUCTS[Math.floor(rand() * PRODUCTS.length)]!;
    const price = (4 + rand() * 96).toFixed(2);
    lines.push(`${month * 10_000 + i},${1 + Math.floor(rand() * 2000)},${at},${COUNTRIES[Math.floor(rand() * COUNTRIES.length)]},"${product}",${1 + Math.floor(rand() * 4)},${price}`);
  }
  return lines.join("\n") + "\n";
}

function eventsJsonl(rand: () => number, date: string, rows: number): string {
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    const event = EVENTS[Math.floor(rand() * EVENTS.length)]!;
    const at = `${date}T${pad(Math.floor(rand() * 24))}:${pad(Math.floor(rand() * 60))}:${pad(Math.floor(rand() * 60))}Z`;
    out.push(JSON.stringify({ at, event, session: `s-${Math.floor(rand() * 1e6).toString(36)}`, customer_id: rand() < 0.3 ? null : 1 + Math.floor(rand() * 2000) }));
  }
  return out.join("\n") + "\n";
}

function customersCsv(rand: () => number): string {
  const first = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Ken", "Margaret", "Linus", "Frances"];
  const last = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Thompson", "Hamilton", "Torvalds", "Allen"];
  const lines = ["customer_id,name,email,country,is_active"];
  for (let g = 1; g <= 2000; g++) {
    lines.push(`${g},${first[g % 10]} ${last[Math.floor(g / 10) % 10]},customer${g}@example.com,${COUNTRIES[Math.floor(rand() * 10)]},${rand() > 0.1}`);
  }
  return lines.join("\n") + "\n";
}

function revenueJson(rand: () => number, months: number): string {
  const rows = [];
  for (let m = 1; m <= months; m++) rows.push({ month: `2024-${pad(m)}`, orders: 350 + Math.floor(rand() * 150), revenue: Math.round((30_000 + rand() * 20_000) * 100) / 100 });
  return JSON.stringify({ generatedBy: "npm start sandbox", currency: "EUR", rows }, null, 2) + "\n";
}

function appLog(rand: () => number, date: string, rows: number): string {
  const levels = ["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"];
  const msgs = ["request served", "cache miss", "slow query (1.2 s)", "retrying upload", "user logged in", "payment declined"];
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    out.push(`${date}T${pad(Math.floor((i / rows) * 24))}:${pad(Math.floor(rand() * 60))}:${pad(Math.floor(rand() * 60))}Z ${levels[Math.floor(rand() * levels.length)]} ${msgs[Math.floor(rand() * msgs.length)]}`);
  }
  return out.join("\n") + "\n";
}

const CSV = "text/csv";
const JSONL = "application/x-ndjson";
const JSON_TYPE = "application/json";
const TEXT = "text/plain; charset=utf-8";
const MARKDOWN = "text/markdown; charset=utf-8";

/** Objects of the S3 bucket, without the PAGING_KEYS small ones (see pagingObject). */
export function s3Objects(): SampleFile[] {
  const rand = prng(2024);
  const files: SampleFile[] = [
    {
      path: "README.txt",
      contentType: TEXT,
      body:
        "Sample bucket of the auto-workflow-connectors sandbox (npm start).\n\n" +
        "raw/      landing zone: monthly order CSVs, daily event JSONL, application logs\n" +
        "curated/  cleaned data sets and reports\n" +
        `${PAGING_PREFIX}   ${PAGING_KEYS.toLocaleString("en-US")} tiny objects, to see the Connectors view page through a large prefix\n`,
    },
  ];
  for (let month = 1; month <= 6; month++) {
    files.push({ path: `raw/2024/${pad(month)}/orders.csv`, contentType: CSV, body: ordersCsv(rand, 2024, month, 250) });
    for (const day of [1, 15]) {
      const date = `2024-${pad(month)}-${pad(day)}`;
      files.push({ path: `raw/2024/${pad(month)}/events/${date}.jsonl`, contentType: JSONL, body: eventsJsonl(rand, date, 120) });
    }
  }
  for (const date of ["2024-03-01", "2024-03-02", "2024-03-03"]) {
    files.push({ path: `raw/2024/logs/app-${date}.log`, contentType: TEXT, body: appLog(rand, date, 300) });
  }
  files.push(
    { path: "curated/customers/customers.csv", contentType: CSV, body: customersCsv(rand) },
    { path: "curated/sales/revenue_by_month.json", contentType: JSON_TYPE, body: revenueJson(rand, 6) },
    {
      path: "curated/reports/summary.md",
      contentType: MARKDOWN,
      body: "# Sales summary H1 2024\n\n- Orders grew every month.\n- Hoodies outsell mugs 3:1.\n- See `curated/sales/revenue_by_month.json` for the numbers.\n",
    },
  );
  return files;
}

/** The i-th of the PAGING_KEYS small objects. */
export function pagingObject(i: number): SampleFile {
  return { path: `${PAGING_PREFIX}key-${pad(i, 5)}.txt`, contentType: TEXT, body: `object ${i} of ${PAGING_KEYS}\n` };
}

/** Files of the ADLS container (directories bronze/silver/gold). */
export function lakeFiles(): SampleFile[] {
  const rand = prng(7);
  const files: SampleFile[] = [];
  for (let month = 1; month <= 3; month++) {
    files.push({ path: `bronze/sales/2024-${pad(month)}.csv`, contentType: CSV, body: ordersCsv(rand, 2024, month, 200) });
  }
  for (const date of ["2024-01-01", "2024-01-02"]) {
    files.push({ path: `bronze/events/${date}.jsonl`, contentType: JSONL, body: eventsJsonl(rand, date, 150) });
  }
  files.push(
    { path: "silver/customers/customers.csv", contentType: CSV, body: customersCsv(rand) },
    { path: "silver/orders/orders_2024q1.csv", contentType: CSV, body: ordersCsv(rand, 2024, 3, 400) },
    { path: "gold/kpis/revenue_by_month.json", contentType: JSON_TYPE, body: revenueJson(rand, 3) },
    { path: "gold/reports/q1.md", contentType: MARKDOWN, body: "# Q1 2024\n\nRevenue up 12 % on Q4 2023. Details in `gold/kpis/revenue_by_month.json`.\n" },
    { path: "README.txt", contentType: TEXT, body: "Medallion layout: bronze (raw), silver (cleaned), gold (aggregated).\n" },
  );
  return files;
}

/** Extra empty directories (only on the hierarchical-namespace account, where directories are real). */
export const LAKE_EMPTY_DIRS = ["gold/archive", "silver/quarantine"];

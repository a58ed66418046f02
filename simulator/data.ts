// Static reference data the generated store draws from: store layout, customer groups,
// countries and regions (Magento's directory ids for US/DE/AT/FR), names, streets, catalogue words.
// NL, DK and LU have no regions in Magento 2.4's directory (BE, IE, IT and others got some in 2.4.x),
// so addresses there carry null regions, as on real stores.

export type StoreView = {
  id: number;
  code: string;
  name: string;
  websiteId: number;
  groupId: number;
  locale: string;
  /** Currency orders and carts of this view are placed in (the base currency is its website's). */
  currency: "USD" | "EUR";
  timezone: string;
};

export const WEBSITES = [
  { id: 0, code: "admin", name: "Admin", default_group_id: 0 },
  { id: 1, code: "base", name: "Main Website", default_group_id: 1 },
  { id: 2, code: "europe", name: "Europe Website", default_group_id: 2 },
];

export const STORE_GROUPS = [
  { id: 0, website_id: 0, root_category_id: 0, default_store_id: 0, name: "Default", code: "default" },
  { id: 1, website_id: 1, root_category_id: 2, default_store_id: 1, name: "Main Website Store", code: "main_website_store" },
  { id: 2, website_id: 2, root_category_id: 2, default_store_id: 3, name: "Europe Store", code: "europe_store" },
];

export const STORE_VIEWS: StoreView[] = [
  {
    id: 1,
    code: "default",
    name: "Default Store View",
    websiteId: 1,
    groupId: 1,
    locale: "en_US",
    currency: "USD",
    timezone: "America/Chicago",
  },
  { id: 2, code: "fr", name: "French Store View", websiteId: 1, groupId: 1, locale: "fr_FR", currency: "EUR", timezone: "Europe/Paris" },
  { id: 3, code: "de", name: "German Store View", websiteId: 2, groupId: 2, locale: "de_DE", currency: "EUR", timezone: "Europe/Berlin" },
];

export const ADMIN_STORE = { id: 0, code: "admin", name: "Admin", website_id: 0, store_group_id: 0, is_active: 1 };

/** USD → EUR rate: the French view's display rate, and how the catalogue's USD prices become the Europe website's EUR base prices. */
export const EUR_RATE = 0.92;

/** The install's global currency (Magento's currency/options/base at default scope): what admin reports add up in. */
export const GLOBAL_CURRENCY = "USD";

/** Europe website's EUR base → USD global, as Magento stores it on each order (base_to_global_rate). */
export const EUR_BASE_TO_GLOBAL_RATE = 1.0815;

/**
 * Base currency per website (catalog price scope "website"): Main Website keeps USD, the Europe
 * Website sells in EUR. `toGlobal` is the base_to_global_rate its orders, carts and memos carry.
 */
export const WEBSITE_CURRENCIES: Record<number, { base: "USD" | "EUR"; toGlobal: number }> = {
  1: { base: "USD", toGlobal: 1 },
  2: { base: "EUR", toGlobal: EUR_BASE_TO_GLOBAL_RATE },
};

/** A store view's money rules: its website's base currency, rates from the catalogue and to the order and global currencies. */
export function viewCurrencies(storeId: number) {
  const view = STORE_VIEWS.find((s) => s.id === storeId) ?? STORE_VIEWS[0]!;
  const website = WEBSITE_CURRENCIES[view.websiteId] ?? WEBSITE_CURRENCIES[1]!;
  return {
    base: website.base,
    order: view.currency,
    /** Catalogue (USD) price → base price. */
    catalogueRate: website.base === "EUR" ? EUR_RATE : 1,
    /** base_to_order_rate: 1 when the view sells in its base currency. */
    orderRate: view.currency === website.base ? 1 : EUR_RATE,
    toGlobal: website.toGlobal,
  };
}

export const CUSTOMER_GROUPS = [
  { id: 0, code: "NOT LOGGED IN", tax_class_id: 3, tax_class_name: "Retail Customer" },
  { id: 1, code: "General", tax_class_id: 3, tax_class_name: "Retail Customer" },
  { id: 2, code: "Wholesale", tax_class_id: 3, tax_class_name: "Retail Customer" },
  { id: 3, code: "Retailer", tax_class_id: 3, tax_class_name: "Retail Customer" },
];

export type Region = { id: number; code: string; name: string };
export type Country = {
  id: string;
  iso3: string;
  name: string;
  fr: string;
  de: string;
  regions?: Region[];
};

const US_REGIONS: Region[] = [
  { id: 1, code: "AL", name: "Alabama" },
  { id: 2, code: "AK", name: "Alaska" },
  { id: 4, code: "AZ", name: "Arizona" },
  { id: 12, code: "CA", name: "California" },
  { id: 13, code: "CO", name: "Colorado" },
  { id: 18, code: "FL", name: "Florida" },
  { id: 19, code: "GA", name: "Georgia" },
  { id: 23, code: "IL", name: "Illinois" },
  { id: 32, code: "MA", name: "Massachusetts" },
  { id: 33, code: "MI", name: "Michigan" },
  { id: 34, code: "MN", name: "Minnesota" },
  { id: 43, code: "NY", name: "New York" },
  { id: 44, code: "NC", name: "North Carolina" },
  { id: 47, code: "OH", name: "Ohio" },
  { id: 49, code: "OR", name: "Oregon" },
  { id: 51, code: "PA", name: "Pennsylvania" },
  { id: 57, code: "TX", name: "Texas" },
  { id: 62, code: "WA", name: "Washington" },
];

const DE_REGIONS: Region[] = [
  { id: 79, code: "NDS", name: "Niedersachsen" },
  { id: 80, code: "BAW", name: "Baden-Württemberg" },
  { id: 81, code: "BAY", name: "Bayern" },
  { id: 82, code: "BER", name: "Berlin" },
  { id: 83, code: "BRG", name: "Brandenburg" },
  { id: 84, code: "BRE", name: "Bremen" },
  { id: 85, code: "HAM", name: "Hamburg" },
  { id: 86, code: "HES", name: "Hessen" },
  { id: 87, code: "MEC", name: "Mecklenburg-Vorpommern" },
  { id: 88, code: "NRW", name: "Nordrhein-Westfalen" },
  { id: 89, code: "RHE", name: "Rheinland-Pfalz" },
  { id: 90, code: "SAR", name: "Saarland" },
  { id: 91, code: "SAS", name: "Sachsen" },
  { id: 92, code: "SAC", name: "Sachsen-Anhalt" },
  { id: 93, code: "SCN", name: "Schleswig-Holstein" },
  { id: 94, code: "THE", name: "Thüringen" },
];

const AT_REGIONS: Region[] = [
  { id: 95, code: "WI", name: "Wien" },
  { id: 96, code: "NO", name: "Niederösterreich" },
  { id: 97, code: "OO", name: "Oberösterreich" },
  { id: 98, code: "SB", name: "Salzburg" },
  { id: 99, code: "KN", name: "Kärnten" },
  { id: 100, code: "ST", name: "Steiermark" },
  { id: 101, code: "TI", name: "Tirol" },
  { id: 102, code: "BL", name: "Burgenland" },
  { id: 103, code: "VB", name: "Vorarlberg" },
];

const FR_REGIONS: Region[] = [
  { id: 182, code: "01", name: "Ain" },
  { id: 187, code: "06", name: "Alpes-Maritimes" },
  { id: 194, code: "13", name: "Bouches-du-Rhône" },
  { id: 213, code: "31", name: "Haute-Garonne" },
  { id: 215, code: "33", name: "Gironde" },
  { id: 216, code: "34", name: "Hérault" },
  { id: 226, code: "44", name: "Loire-Atlantique" },
  { id: 241, code: "59", name: "Nord" },
  { id: 249, code: "67", name: "Bas-Rhin" },
  { id: 251, code: "69", name: "Rhône" },
  { id: 257, code: "75", name: "Paris" },
];

export const COUNTRIES: Country[] = [
  { id: "AT", iso3: "AUT", name: "Austria", fr: "Autriche", de: "Österreich", regions: AT_REGIONS },
  { id: "BE", iso3: "BEL", name: "Belgium", fr: "Belgique", de: "Belgien" },
  { id: "CA", iso3: "CAN", name: "Canada", fr: "Canada", de: "Kanada" },
  { id: "CH", iso3: "CHE", name: "Switzerland", fr: "Suisse", de: "Schweiz" },
  { id: "DE", iso3: "DEU", name: "Germany", fr: "Allemagne", de: "Deutschland", regions: DE_REGIONS },
  { id: "DK", iso3: "DNK", name: "Denmark", fr: "Danemark", de: "Dänemark" },
  { id: "ES", iso3: "ESP", name: "Spain", fr: "Espagne", de: "Spanien" },
  { id: "FR", iso3: "FRA", name: "France", fr: "France", de: "Frankreich", regions: FR_REGIONS },
  { id: "GB", iso3: "GBR", name: "United Kingdom", fr: "Royaume-Uni", de: "Vereinigtes Königreich" },
  { id: "IE", iso3: "IRL", name: "Ireland", fr: "Irlande", de: "Irland" },
  { id: "IT", iso3: "ITA", name: "Italy", fr: "Italie", de: "Italien" },
  { id: "LU", iso3: "LUX", name: "Luxembourg", fr: "Luxembourg", de: "Luxemburg" },
  { id: "NL", iso3: "NLD", name: "Netherlands", fr: "Pays-Bas", de: "Niederlande" },
  { id: "PL", iso3: "POL", name: "Poland", fr: "Pologne", de: "Polen" },
  { id: "SE", iso3: "SWE", name: "Sweden", fr: "Suède", de: "Schweden" },
  { id: "US", iso3: "USA", name: "United States", fr: "États-Unis", de: "Vereinigte Staaten", regions: US_REGIONS },
];

export const COUNTRY_BY_ID = new Map(COUNTRIES.map((c) => [c.id, c]));

/** Cities the generator uses: [city, region code or free-text region, postcode prefix]. */
export const CITIES: Record<string, [string, string, string][]> = {
  US: [
    ["San Francisco", "CA", "941"],
    ["Los Angeles", "CA", "900"],
    ["San Diego", "CA", "921"],
    ["New York", "NY", "100"],
    ["Buffalo", "NY", "142"],
    ["Austin", "TX", "787"],
    ["Houston", "TX", "770"],
    ["Seattle", "WA", "981"],
    ["Chicago", "IL", "606"],
    ["Boston", "MA", "021"],
    ["Detroit", "MI", "482"],
    ["Miami", "FL", "331"],
    ["Atlanta", "GA", "303"],
    ["Denver", "CO", "802"],
    ["Portland", "OR", "972"],
    ["Columbus", "OH", "432"],
    ["Philadelphia", "PA", "191"],
    ["Minneapolis", "MN", "554"],
    ["Phoenix", "AZ", "850"],
    ["Charlotte", "NC", "282"],
    ["Anchorage", "AK", "995"],
    ["Birmingham", "AL", "352"],
  ],
  DE: [
    ["Berlin", "BER", "10"],
    ["München", "BAY", "80"],
    ["Nürnberg", "BAY", "90"],
    ["Hamburg", "HAM", "20"],
    ["Köln", "NRW", "50"],
    ["Düsseldorf", "NRW", "40"],
    ["Frankfurt am Main", "HES", "60"],
    ["Stuttgart", "BAW", "70"],
    ["Dresden", "SAS", "01"],
    ["Leipzig", "SAS", "04"],
    ["Hannover", "NDS", "30"],
    ["Bremen", "BRE", "28"],
  ],
  AT: [
    ["Wien", "WI", "10"],
    ["Graz", "ST", "80"],
    ["Linz", "OO", "40"],
    ["Salzburg", "SB", "50"],
    ["Innsbruck", "TI", "60"],
  ],
  FR: [
    ["Paris", "75", "750"],
    ["Lyon", "69", "690"],
    ["Marseille", "13", "130"],
    ["Bordeaux", "33", "330"],
    ["Toulouse", "31", "310"],
    ["Nantes", "44", "440"],
    ["Nice", "06", "060"],
    ["Strasbourg", "67", "670"],
    ["Montpellier", "34", "340"],
    ["Lille", "59", "590"],
    ["Bourg-en-Bresse", "01", "010"],
  ],
  GB: [
    ["London", "Greater London", "SW1"],
    ["Manchester", "Greater Manchester", "M1"],
    ["Birmingham", "West Midlands", "B2"],
    ["Leeds", "West Yorkshire", "LS1"],
    ["Bristol", "Bristol", "BS1"],
  ],
  NL: [
    ["Amsterdam", "", "10"],
    ["Rotterdam", "", "30"],
    ["Utrecht", "", "35"],
    ["Den Haag", "", "25"],
    ["Eindhoven", "", "56"],
    ["Groningen", "", "97"],
  ],
  DK: [
    ["København", "", "1"],
    ["Aarhus", "", "80"],
    ["Odense", "", "50"],
    ["Aalborg", "", "90"],
    ["Esbjerg", "", "67"],
  ],
  LU: [
    ["Luxembourg", "", "1"],
    ["Esch-sur-Alzette", "", "4"],
    ["Differdange", "", "45"],
    ["Dudelange", "", "34"],
    ["Ettelbruck", "", "90"],
  ],
};

/** Countries whose addresses have no region in Magento's directory (region null, region_id 0). */
export const REGIONLESS_COUNTRIES = ["NL", "DK", "LU"] as const;

export const STREETS: Record<string, string[]> = {
  US: [
    "Oak Ave",
    "Maple Street",
    "Main Street",
    "Honey Bluff Parkway",
    "Sunset Blvd",
    "Cedar Lane",
    "Lakeview Drive",
    "Pine Road",
    "Elm Court",
    "Big Tree Avenue",
    "Hillcrest Road",
    "Washington Ave",
  ],
  DE: [
    "Hauptstraße",
    "Bahnhofstraße",
    "Gartenweg",
    "Schillerstraße",
    "Goethestraße",
    "Lindenallee",
    "Bergstraße",
    "Kirchplatz",
    "Marktstraße",
    "Am Rosenhang",
  ],
  AT: ["Mariahilfer Straße", "Landstraße", "Herrengasse", "Kärntner Straße", "Museumstraße"],
  FR: [
    "rue de la République",
    "avenue Victor Hugo",
    "boulevard Voltaire",
    "rue des Lilas",
    "place de la Mairie",
    "rue du Moulin",
    "allée des Tilleuls",
    "rue Pasteur",
  ],
  GB: ["High Street", "Station Road", "Church Lane", "Victoria Road", "Park Avenue", "Kings Road"],
  NL: ["Kerkstraat", "Dorpsstraat", "Molenweg", "Prinsengracht", "Stationsplein"],
  DK: ["Vestergade", "Nørregade", "Østergade", "Algade", "Strandvejen", "Søndergade"],
  LU: ["rue de Hollerich", "avenue de la Liberté", "boulevard Royal", "Grand-Rue", "rue du Fossé", "route d'Arlon"],
};

export const FIRST_NAMES: Record<string, string[]> = {
  US: [
    "Jane",
    "John",
    "Veronica",
    "Melanie",
    "Michael",
    "Emily",
    "David",
    "Sarah",
    "James",
    "Olivia",
    "Robert",
    "Emma",
    "William",
    "Ava",
    "Daniel",
    "Sophia",
    "Matthew",
    "Isabella",
    "Chris",
    "Grace",
    "Anthony",
    "Chloe",
    "Andrew",
    "Hannah",
  ],
  DE: [
    "Lukas",
    "Anna",
    "Felix",
    "Lena",
    "Jonas",
    "Marie",
    "Leon",
    "Sophie",
    "Paul",
    "Laura",
    "Maximilian",
    "Julia",
    "Tobias",
    "Katharina",
    "Jürgen",
    "Sabine",
  ],
  FR: ["Camille", "Louis", "Léa", "Hugo", "Chloé", "Lucas", "Manon", "Jules", "Inès", "Gabriel", "Élodie", "Antoine", "Margaux", "Théo"],
  GB: ["Oliver", "Amelia", "George", "Isla", "Harry", "Poppy", "Jack", "Freya"],
  NL: ["Daan", "Emma", "Sem", "Julia", "Lucas", "Tess", "Bram", "Sanne", "Thijs", "Fleur"],
  DK: ["Mads", "Freja", "Magnus", "Ida", "Frederik", "Sofie", "Rasmus", "Mette"],
  LU: ["Luc", "Claire", "Marc", "Anne", "Gilles", "Sophie", "Jeff", "Martine"],
};
FIRST_NAMES.AT = FIRST_NAMES.DE!;

export const LAST_NAMES: Record<string, string[]> = {
  US: [
    "Doe",
    "Costello",
    "Shaw",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Martin",
    "Jackson",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
  ],
  DE: [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
  ],
  FR: [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
  ],
  GB: ["Smith", "Jones", "Taylor", "Evans", "Hughes", "Wright", "Roberts", "Walsh"],
  NL: ["de Jong", "Jansen", "de Vries", "van Dijk", "Bakker", "Visser", "Smit", "Meijer"],
  DK: ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen"],
  LU: ["Schmit", "Muller", "Weber", "Wagner", "Hoffmann", "Thill", "Schroeder", "Reuter"],
};
LAST_NAMES.AT = LAST_NAMES.DE!;

export const EMAIL_DOMAINS = ["example.com", "example.net", "example.org", "mail.example.com", "example.de", "example.fr"];

export const COMPANIES = [
  "Acme Corp",
  "Globex",
  "Initech",
  "Umbrella GmbH",
  "Soylent SARL",
  "Hooli",
  "Vandelay Industries",
  "Stark Supplies",
];

/** [noun, sku prefix, min price $, max price $, weight lb]. */
export const PRODUCT_KINDS: [string, string, number, number, number][] = [
  ["Tee", "MT", 15, 45, 1],
  ["Hoodie", "MH", 45, 90, 2],
  ["Jacket", "MJ", 60, 180, 3],
  ["Pants", "MP", 35, 90, 2],
  ["Shorts", "MS", 20, 45, 1],
  ["Backpack", "MB", 25, 120, 3],
  ["Watch", "MW", 50, 250, 1],
  ["Yoga Mat", "YM", 20, 70, 4],
  ["Water Bottle", "WB", 8, 30, 1],
  ["Socks", "SO", 5, 18, 0.5],
  ["Cap", "CP", 12, 30, 0.5],
  ["Sneakers", "SN", 50, 160, 3],
];

/**
 * Configurable families (a parent sold in sizes and colours, Luma style): [noun, sku prefix, min $,
 * max $, weight lb]. Children are simple products "<parent sku>-<size>-<colour>".
 */
export const CONFIGURABLE_KINDS: [string, string, number, number, number][] = [
  ["Tee", "MTC", 18, 40, 1],
  ["Hoodie", "MHC", 45, 85, 2],
  ["Jacket", "MJC", 70, 160, 3],
  ["Pants", "MPC", 40, 85, 2],
  ["Shorts", "MSC", 22, 48, 1],
];

/** The configurable attributes (Luma's attribute ids) and their option ids. */
export const CONFIGURABLE_ATTRIBUTES = {
  color: {
    id: 93,
    code: "color",
    label: "Color",
    values: [
      [49, "Black"],
      [50, "Blue"],
      [53, "Gray"],
      [54, "Green"],
      [58, "Red"],
      [59, "White"],
    ] as [number, string][],
  },
  size: {
    id: 144,
    code: "size",
    label: "Size",
    values: [
      [166, "XS"],
      [167, "S"],
      [168, "M"],
      [169, "L"],
      [170, "XL"],
    ] as [number, string][],
  },
};

export const PRODUCT_ADJECTIVES = [
  "Aero",
  "Breeze",
  "Summit",
  "Nova",
  "Orbit",
  "Pulse",
  "Terra",
  "Zephyr",
  "Atlas",
  "Echo",
  "Helix",
  "Lumen",
  "Vertex",
  "Ridge",
  "Cascade",
  "Drift",
  "Radiant",
  "Pursuit",
];

export const PAYMENT_METHODS: Record<string, string> = {
  checkmo: "Check / Money order",
  banktransfer: "Bank Transfer Payment",
  purchaseorder: "Purchase Order",
  cashondelivery: "Cash On Delivery",
  free: "No Payment Information Required",
};

/** Payment methods offered at checkout (free only applies to a zero total). */
export const CHECKOUT_PAYMENT_METHODS = ["checkmo", "banktransfer", "purchaseorder", "cashondelivery"] as const;

/** Tax rate in basis points of a percent (×100): 725 = 7.25 %. Keyed "COUNTRY" or "COUNTRY-REGIONCODE". */
export const TAX_RATES: Record<string, number> = {
  "US-CA": 725,
  "US-NY": 800,
  "US-TX": 625,
  "US-WA": 650,
  DE: 1900,
  AT: 2000,
  FR: 2000,
  NL: 2100,
  DK: 2500,
  LU: 1700,
  GB: 2000,
};

export const FREE_SHIPPING_THRESHOLD_CENTS = 10000;
export const FLATRATE_PER_ITEM_CENTS = 500;

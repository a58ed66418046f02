export * from "./auth";
export * from "./accounts";
export * from "./channels";
export * from "./magento";
export * from "./sync";
export * from "./audit";
export * from "./follow-up";
export * from "./reports";

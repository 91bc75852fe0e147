export * from "./columns";
export * from "./auth";
export * from "./tenants";
export * from "./audit";
export * from "./mail";
export * from "./billing";
export * from "./catalog";
export * from "./usage";

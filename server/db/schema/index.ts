export * from "./columns";
export * from "./auth";
export * from "./tenants";
export * from "./audit";
export * from "./mail";

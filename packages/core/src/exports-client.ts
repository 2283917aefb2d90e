// Public exports of this area, chosen one by one (see index.ts).
export {};

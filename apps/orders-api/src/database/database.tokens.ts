/** Injection token of the {@link OpenDatabase} of the running app. */
export const DATABASE = Symbol.for('orders-api.Database');

/** Injection token of the Redis client (`null` when `REDIS_URL` is not set). */
export const REDIS = Symbol.for('orders-api.Redis');

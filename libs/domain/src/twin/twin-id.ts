/**
 * Twin ids travel as Kafka keys, InfluxDB tags, URL path segments and MQTT topic levels: a
 * conservative alphabet keeps every one of them unambiguous.
 */
export const TWIN_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('MQTT configuration', () => {
  it('runs the embedded broker on 1883 by default, without a shared subscription', () => {
    expect(loadConfig({}, '/tmp')).toMatchObject({
      mqttUrl: undefined,
      mqttPort: 1883,
      mqttWorkers: 8,
      mqttShared: false,
    });
  });

  it('uses a shared subscription with an external broker unless told not to', () => {
    const env = { MQTT_URL: 'mqtt://broker:1883', LINGTAN_MQTT_CONNECTIONS: '4' };
    expect(loadConfig(env, '/tmp')).toMatchObject({
      mqttUrl: 'mqtt://broker:1883',
      mqttWorkers: 4,
      mqttShared: true,
    });
    expect(loadConfig({ ...env, LINGTAN_MQTT_SHARED: 'false' }, '/tmp').mqttShared).toBe(false);
  });

  it('refuses values it cannot use', () => {
    expect(() => loadConfig({ LINGTAN_MQTT_PORT: '70000' }, '/tmp')).toThrow(/not a port/);
    expect(() => loadConfig({ LINGTAN_MQTT_CONNECTIONS: '0' }, '/tmp')).toThrow(/from 1 to 1000/);
    expect(() => loadConfig({ LINGTAN_MQTT_SHARED: 'maybe' }, '/tmp')).toThrow(/true or false/);
  });
});

describe('answer cache configuration', () => {
  it('keeps dashboard answers by default; LINGTAN_ANSWER_CACHE=0 turns that off', () => {
    expect(loadConfig({}, '/tmp').answerCache).toBe(true);
    expect(loadConfig({ LINGTAN_ANSWER_CACHE: '0' }, '/tmp').answerCache).toBe(false);
    expect(loadConfig({ LINGTAN_ANSWER_CACHE: 'on' }, '/tmp').answerCache).toBe(true);
    expect(() => loadConfig({ LINGTAN_ANSWER_CACHE: 'sometimes' }, '/tmp')).toThrow(/true or false/);
  });
});

/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.benchmarks.peers;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import io.etcddiscovery.autoconfigure.DiscoveryProperties;
import io.etcddiscovery.registration.Backoff;
import io.etcddiscovery.registration.EtcdServiceRegistry;
import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.InstanceStatus;
import io.etcddiscovery.registration.KeyLayout;
import io.etcddiscovery.registration.ServiceRegistration;

import org.springframework.stereotype.Component;

/**
 * Extra registrations through this starter's {@link InstanceRegistrar}, built as the
 * auto-configuration builds the application's own (same client, TTL, key layout and
 * backoff): a lease of its own, kept alive on the client's keep-alive stream, and a watch
 * on its key. Withdrawn as on shutdown (delete the key, then revoke the lease), without
 * the drain delay, which only gives in-flight requests time to finish.
 *
 * @author etcd-discovery authors
 */
@Component
class EtcdProbeRegistry implements ProbeRegistry<EtcdProbeRegistry.Probe> {

	private final EtcdServiceRegistry registry;

	private final DiscoveryProperties properties;

	EtcdProbeRegistry(EtcdServiceRegistry registry, DiscoveryProperties properties) {
		this.registry = registry;
		this.properties = properties;
	}

	@Override
	public Probe prepare(String service, String instanceId, int port) {
		DiscoveryProperties.Retry retry = this.properties.getRetry();
		InstanceRegistrar registrar = new InstanceRegistrar(this.registry,
				new KeyLayout(this.properties.getEtcd().getKeyPrefix()), this.properties.getTtl(),
				new Backoff(retry.getInitialInterval(), retry.getMaxInterval(), retry.getMultiplier()),
				Clock.systemUTC());
		return new Probe(registrar, new ServiceRegistration(this.properties.getNamespace(), service, instanceId,
				"127.0.0.1", port, false, Map.of(), InstanceStatus.UP));
	}

	@Override
	public void register(Probe probe) {
		probe.registrar().start(probe.registration());
	}

	@Override
	public void deregister(Probe probe) {
		probe.registrar().stop(Duration.ZERO);
	}

	record Probe(InstanceRegistrar registrar, ServiceRegistration registration) {

	}

}

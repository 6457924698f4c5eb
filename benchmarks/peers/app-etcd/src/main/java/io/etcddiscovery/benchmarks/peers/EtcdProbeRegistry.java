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
import java.util.concurrent.CompletionStage;

import io.etcddiscovery.autoconfigure.EtcdClientAutoConfiguration;
import io.etcddiscovery.autoconfigure.RegistrationProperties;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.RegistrationStore;
import io.etcddiscovery.registration.ServiceRegistration;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Extra registrations through this starter's {@link InstanceRegistrar}, built as the
 * auto-configuration builds the application's own (same store, TTL, key layout, backoff
 * and scheduler): a lease of its own, kept alive on the client's keep-alive stream, and a
 * watch on its key. Withdrawn as on shutdown (delete the key, then revoke the lease),
 * without the drain delay, which only gives in-flight requests time to finish, and
 * without waiting: {@link InstanceRegistrar#stopAsync} completes when the lease is
 * revoked. Not there with {@code discovery.enabled=false}, so that the same jar starts
 * without the starter's beans (the start-up comparison's "off" variant).
 *
 * @author etcd-discovery authors
 */
@Component
@ConditionalOnBooleanProperty(name = "discovery.enabled", matchIfMissing = true)
class EtcdProbeRegistry implements ProbeRegistry<EtcdProbeRegistry.Probe> {

	private final RegistrationStore store;

	private final KeyLayout keyLayout;

	private final Backoff backoff;

	private final TaskScheduler scheduler;

	private final RegistrationProperties properties;

	EtcdProbeRegistry(RegistrationStore store, KeyLayout keyLayout, Backoff backoff,
			@Qualifier(EtcdClientAutoConfiguration.TASK_SCHEDULER_BEAN_NAME) TaskScheduler scheduler,
			RegistrationProperties properties) {
		this.store = store;
		this.keyLayout = keyLayout;
		this.backoff = backoff;
		this.scheduler = scheduler;
		this.properties = properties;
	}

	@Override
	public Probe prepare(String service, String instanceId, int port) {
		InstanceRegistrar registrar = new InstanceRegistrar(this.store, this.keyLayout, this.properties.getTtl(),
				this.backoff, Clock.systemUTC(), this.scheduler);
		return new Probe(registrar, new ServiceRegistration(this.properties.getNamespace(), service, instanceId,
				"127.0.0.1", port, false, Map.of(), InstanceStatus.UP));
	}

	@Override
	public void register(Probe probe) {
		probe.registrar().start(probe.registration());
	}

	@Override
	public CompletionStage<?> deregister(Probe probe) {
		return probe.registrar().stopAsync(Duration.ZERO);
	}

	record Probe(InstanceRegistrar registrar, ServiceRegistration registration) {

	}

}

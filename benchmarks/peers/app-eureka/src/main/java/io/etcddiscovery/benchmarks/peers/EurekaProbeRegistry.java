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

import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.netflix.appinfo.ApplicationInfoManager;
import com.netflix.appinfo.HealthCheckHandler;
import com.netflix.discovery.shared.transport.jersey.TransportClientFactories;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.netflix.eureka.EurekaClientConfigBean;
import org.springframework.cloud.netflix.eureka.EurekaInstanceConfigBean;
import org.springframework.cloud.netflix.eureka.InstanceInfoFactory;
import org.springframework.cloud.netflix.eureka.serviceregistry.EurekaRegistration;
import org.springframework.cloud.netflix.eureka.serviceregistry.EurekaServiceRegistry;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Extra registrations through Spring Cloud Netflix's own {@link EurekaServiceRegistry}.
 * Eureka ties a registration to a client ({@code CloudEurekaClient}: its own heartbeat and
 * replication threads), so each probe gets one, built as the auto-configuration builds the
 * application's: a copy of the application's instance and client settings (the fastest
 * ones in the eureka-fast variant), with registry fetching off since a probe discovers
 * nothing. Withdrawn as on shutdown: {@code deregister} (status DOWN), then the client's
 * shutdown, which cancels the lease on the server. With Eureka's defaults a client's
 * shutdown waits about 3 s for its replication task, so it runs on a thread of its own:
 * it starts at once, as it would, but does not hold up the next probe's withdrawal.
 *
 * @author etcd-discovery authors
 */
@Component
class EurekaProbeRegistry implements ProbeRegistry<EurekaRegistration>, DisposableBean {

	private final ExecutorService shutdowns = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "bench-eureka-client-shutdown");
		thread.setDaemon(true);
		return thread;
	});

	private final EurekaServiceRegistry registry;

	private final EurekaInstanceConfigBean instanceConfig;

	private final EurekaClientConfigBean clientConfig;

	private final TransportClientFactories<?> transportClientFactories;

	private final ObjectProvider<HealthCheckHandler> healthCheckHandler;

	private final ApplicationEventPublisher events;

	private final InetUtils inetUtils;

	EurekaProbeRegistry(EurekaServiceRegistry registry, EurekaInstanceConfigBean instanceConfig,
			EurekaClientConfigBean clientConfig, TransportClientFactories<?> transportClientFactories,
			ObjectProvider<HealthCheckHandler> healthCheckHandler, ApplicationEventPublisher events,
			InetUtils inetUtils) {
		this.registry = registry;
		this.instanceConfig = instanceConfig;
		this.clientConfig = clientConfig;
		this.transportClientFactories = transportClientFactories;
		this.healthCheckHandler = healthCheckHandler;
		this.events = events;
		this.inetUtils = inetUtils;
	}

	@Override
	public EurekaRegistration prepare(String service, String instanceId, int port) {
		EurekaInstanceConfigBean instance = new EurekaInstanceConfigBean(this.inetUtils);
		BeanUtils.copyProperties(this.instanceConfig, instance);
		instance.setAppname(service);
		instance.setVirtualHostName(service);
		instance.setSecureVirtualHostName(service);
		instance.setInstanceId(instanceId);
		instance.setNonSecurePort(port);
		instance.setMetadataMap(new HashMap<>());
		EurekaClientConfigBean client = new EurekaClientConfigBean();
		BeanUtils.copyProperties(this.clientConfig, client);
		client.setFetchRegistry(false);
		ApplicationInfoManager manager = new ApplicationInfoManager(instance, new InstanceInfoFactory().create(instance));
		return EurekaRegistration.builder(instance)
			.with(manager)
			.with(this.transportClientFactories)
			.with(client, this.events)
			.with(this.healthCheckHandler)
			.build();
	}

	@Override
	public void register(EurekaRegistration registration) {
		this.registry.register(registration);
	}

	@Override
	public CompletionStage<?> deregister(EurekaRegistration registration) {
		this.registry.deregister(registration);
		this.shutdowns.execute(() -> registration.getEurekaClient().shutdown());
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public void destroy() throws InterruptedException {
		this.shutdowns.shutdown();
		this.shutdowns.awaitTermination(30, TimeUnit.SECONDS);
	}

}

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

package io.etcddiscovery.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

import io.etcd.jetcd.Client;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.etcd.StatusSource;
import io.etcddiscovery.etcd.layout.LayoutCodec;
import io.etcddiscovery.etcd.layout.LayoutPublisher;
import io.etcddiscovery.registration.EtcdRegistrationStore;
import io.etcddiscovery.registration.HealthCheckLoop;
import io.etcddiscovery.registration.InstanceLifecycle;
import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.ReadinessStatusListener;
import io.etcddiscovery.registration.RegistrationStore;
import io.etcddiscovery.registration.StatusPublisher;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Auto-configuration that registers this application in etcd when it is ready and
 * withdraws it on shutdown.
 *
 * @author etcd-discovery authors
 */
@AutoConfiguration(after = EtcdClientAutoConfiguration.class)
@ConditionalOnClass(Client.class)
@ConditionalOnBean(Client.class)
@ConditionalOnEtcdDiscoveryEnabled
@ConditionalOnBooleanProperty(name = "discovery.register", matchIfMissing = true)
@EnableConfigurationProperties({ RegistrationProperties.class, EtcdProperties.class, LayoutsProperties.class })
public final class DiscoveryRegistrationAutoConfiguration {

	/**
	 * Name of the bean of the thread that evaluates health for the
	 * {@link HealthCheckLoop} ({@code etcd-discovery-health-1}).
	 */
	public static final String HEALTH_EXECUTOR_BEAN_NAME = "etcdDiscoveryHealthExecutor";

	@Bean
	@ConditionalOnMissingBean
	RegistrationStore registrationStore(Client etcdClient, RegistrationProperties properties, EtcdProperties etcd,
			ObjectProvider<EtcdConnectionDetails> connectionDetails, KeyLayout etcdKeyLayout,
			LayoutsProperties layouts) {
		// The endpoints the client connects to, named when a registration fails start-up.
		EtcdConnectionDetails details = connectionDetails.getIfAvailable();
		String namespacePrefix = etcdKeyLayout.namespacePrefix(properties.getNamespace());
		List<LayoutCodec> codecs = LayoutCodecs.of(layouts, layouts.getPublish(), namespacePrefix);
		return new EtcdRegistrationStore(etcdClient, EtcdTimeouts.requestTimeout(etcd, properties.getTtl()),
				(details != null) ? details.getEndpoints() : List.of(),
				codecs.isEmpty() ? null : new LayoutPublisher(codecs, namespacePrefix));
	}

	@Bean
	@ConditionalOnMissingBean
	InstanceRegistrar instanceRegistrar(RegistrationStore registrationStore, KeyLayout etcdKeyLayout,
			Backoff discoveryBackoff,
			@Qualifier(EtcdClientAutoConfiguration.TASK_SCHEDULER_BEAN_NAME) TaskScheduler discoveryScheduler,
			RegistrationProperties properties) {
		return new InstanceRegistrar(registrationStore, etcdKeyLayout, properties.getTtl(), discoveryBackoff,
				Clock.systemUTC(), discoveryScheduler);
	}

	@Bean
	@ConditionalOnMissingBean
	StatusPublisher statusPublisher(InstanceRegistrar instanceRegistrar) {
		return new StatusPublisher(instanceRegistrar);
	}

	@Bean
	ReadinessStatusListener readinessStatusListener(StatusPublisher statusPublisher) {
		return new ReadinessStatusListener(statusPublisher);
	}

	@Bean(name = HEALTH_EXECUTOR_BEAN_NAME, defaultCandidate = false)
	@ConditionalOnMissingBean(name = HEALTH_EXECUTOR_BEAN_NAME)
	ThreadPoolTaskExecutor etcdDiscoveryHealthExecutor(Environment environment) {
		// One thread, started with the first check: a check that hangs holds only it, and
		// the loop never queues a second check behind it. Interrupted when the context
		// closes, after the loop; like the shared pools, it accepts beats until the loop
		// stops, after ContextClosedEvent.
		return DiscoveryThreads.singleThread(HealthCheckLoop.HEALTH_THREAD_NAME_PREFIX, environment);
	}

	@Bean
	@ConditionalOnMissingBean
	HealthCheckLoop healthCheckLoop(InstanceRegistrar instanceRegistrar, StatusPublisher statusPublisher,
			ObjectProvider<StatusSource> statusSource,
			@Qualifier(EtcdClientAutoConfiguration.TASK_SCHEDULER_BEAN_NAME) TaskScheduler discoveryScheduler,
			@Qualifier(HEALTH_EXECUTOR_BEAN_NAME) Executor healthExecutor, RegistrationProperties properties,
			EtcdProperties etcd) {
		HeartbeatProperties heartbeat = properties.getHeartbeat();
		Duration interval = (heartbeat.getInterval() != null) ? heartbeat.getInterval()
				: properties.getTtl().dividedBy(3);
		return new HealthCheckLoop(instanceRegistrar, statusPublisher,
				heartbeat.isEnabled() ? statusSource.getIfAvailable() : null, interval, heartbeat.getHealthTimeout(),
				heartbeat.getThreshold(), EtcdTimeouts.requestTimeout(etcd, properties.getTtl()), Clock.systemUTC(),
				discoveryScheduler, healthExecutor);
	}

	@Bean
	@ConditionalOnMissingBean
	InstanceLifecycle instanceLifecycle(InstanceRegistrar instanceRegistrar, HealthCheckLoop healthCheckLoop,
			RegistrationProperties properties, Environment environment, ApplicationContext applicationContext) {
		return new InstanceLifecycle(instanceRegistrar,
				new ServiceRegistrationFactory(properties, serviceName(properties, environment), applicationContext),
				healthCheckLoop, properties.isFailFast(), properties.getShutdown().getDrainDelay());
	}

	private static String serviceName(RegistrationProperties properties, Environment environment) {
		if (properties.getServiceName() != null) {
			// Checked when the properties were bound.
			return properties.getServiceName();
		}
		String name = environment.getProperty("spring.application.name");
		if (name == null || name.isBlank()) {
			throw new InvalidConfigurationPropertyValueException("discovery.service-name", null,
					"a service name is required to register this application: set 'discovery.service-name' or "
							+ "'spring.application.name', or set 'discovery.register=false' for an application that "
							+ "only discovers others");
		}
		String problem = RegistrationPropertiesValidator.serviceNameProblem(name);
		if (problem != null) {
			throw new InvalidConfigurationPropertyValueException("spring.application.name", name, problem
					+ ": set 'spring.application.name' (or 'discovery.service-name') to a value such as 'orders' "
					+ "or 'order-service'");
		}
		return name;
	}

}

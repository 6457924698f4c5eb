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

import io.etcd.jetcd.Client;
import io.etcddiscovery.registration.Backoff;
import io.etcddiscovery.registration.EtcdServiceRegistry;
import io.etcddiscovery.registration.Heartbeat;
import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.KeyLayout;
import io.etcddiscovery.registration.ReadinessStatusListener;
import io.etcddiscovery.registration.RegistrationLifecycle;
import io.etcddiscovery.registration.StatusPublisher;
import io.etcddiscovery.registration.StatusSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration that registers this application in etcd when it is ready and
 * withdraws it on shutdown.
 *
 * @author etcd-discovery authors
 */
@AutoConfiguration(after = EtcdClientAutoConfiguration.class)
@ConditionalOnClass(Client.class)
@ConditionalOnBean(Client.class)
@ConditionalOnBooleanProperty(name = "discovery.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "discovery.register", matchIfMissing = true)
@EnableConfigurationProperties(DiscoveryProperties.class)
public final class DiscoveryRegistrationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EtcdServiceRegistry etcdServiceRegistry(Client etcdClient, DiscoveryProperties properties) {
		return new EtcdServiceRegistry(etcdClient, EtcdTimeouts.requestTimeout(properties));
	}

	@Bean
	@ConditionalOnMissingBean
	InstanceRegistrar instanceRegistrar(EtcdServiceRegistry etcdServiceRegistry, DiscoveryProperties properties) {
		DiscoveryProperties.Retry retry = properties.getRetry();
		return new InstanceRegistrar(etcdServiceRegistry, new KeyLayout(properties.getEtcd().getKeyPrefix()),
				properties.getTtl(),
				new Backoff(retry.getInitialInterval(), retry.getMaxInterval(), retry.getMultiplier()),
				Clock.systemUTC());
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

	@Bean
	@ConditionalOnMissingBean
	Heartbeat heartbeat(InstanceRegistrar instanceRegistrar, StatusPublisher statusPublisher,
			ObjectProvider<StatusSource> statusSource, DiscoveryProperties properties) {
		DiscoveryProperties.Heartbeat heartbeat = properties.getHeartbeat();
		Duration interval = (heartbeat.getInterval() != null) ? heartbeat.getInterval()
				: properties.getTtl().dividedBy(3);
		return new Heartbeat(instanceRegistrar, statusPublisher,
				heartbeat.isEnabled() ? statusSource.getIfAvailable() : null, interval, heartbeat.getHealthTimeout(),
				heartbeat.getThreshold(), EtcdTimeouts.requestTimeout(properties), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	RegistrationLifecycle registrationLifecycle(InstanceRegistrar instanceRegistrar, Heartbeat heartbeat,
			DiscoveryProperties properties, Environment environment, ApplicationContext applicationContext) {
		String serviceName = (properties.getServiceName() != null) ? properties.getServiceName()
				: environment.getProperty("spring.application.name");
		DiscoveryPropertiesValidator.validateServiceName(
				(properties.getServiceName() != null) ? "discovery.service-name" : "spring.application.name",
				serviceName);
		return new RegistrationLifecycle(instanceRegistrar,
				new ServiceRegistrationFactory(properties, serviceName, applicationContext), heartbeat,
				properties.isFailFast(), properties.getShutdown().getDrainDelay());
	}

}

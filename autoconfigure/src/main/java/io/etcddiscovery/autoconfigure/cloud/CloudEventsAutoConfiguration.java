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
package io.etcddiscovery.autoconfigure.cloud;

import io.etcddiscovery.autoconfigure.ConditionalOnEtcdDiscoveryEnabled;
import io.etcddiscovery.autoconfigure.DiscoveryClientAutoConfiguration;
import io.etcddiscovery.autoconfigure.DiscoveryClientProperties;
import io.etcddiscovery.autoconfigure.DiscoveryRegistrationAutoConfiguration;
import io.etcddiscovery.autoconfigure.EtcdClientAutoConfiguration;
import io.etcddiscovery.cloud.CloudEventExecutor;
import io.etcddiscovery.cloud.EtcdServiceRegistration;
import io.etcddiscovery.cloud.HeartbeatEventPublisher;
import io.etcddiscovery.cloud.InstanceRegisteredEventPublisher;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.registration.InstanceRegistrar;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.Assert;

/**
 * Auto-configuration of the Spring Cloud discovery events that consumers wait for:
 * {@code InstanceRegisteredEvent} once discovery is initialized (Spring Cloud's discovery
 * health, Gateway, Spring Boot Admin) and {@code HeartbeatEvent} each time the instances
 * in etcd change (Gateway's discovery locator, Spring Boot Admin), published on one
 * context-owned thread.
 *
 * @author etcd-discovery authors
 */
@AutoConfiguration(after = { DiscoveryClientAutoConfiguration.class, DiscoveryRegistrationAutoConfiguration.class,
		CloudServiceRegistryAutoConfiguration.class })
@ConditionalOnClass(HeartbeatEvent.class)
@Conditional(CloudEventsAutoConfiguration.OnRegistrationOrDiscovery.class)
@ConditionalOnEtcdDiscoveryEnabled
@EnableConfigurationProperties(DiscoveryClientProperties.class)
public final class CloudEventsAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	CloudEventExecutor cloudEventExecutor(
			@Qualifier(EtcdClientAutoConfiguration.TASK_SCHEDULER_BEAN_NAME) TaskScheduler discoveryScheduler) {
		return new CloudEventExecutor(discoveryScheduler);
	}

	@Bean
	@ConditionalOnBean(ServiceCache.class)
	@ConditionalOnMissingBean
	HeartbeatEventPublisher heartbeatEventPublisher(ServiceCache serviceCache, CloudEventExecutor cloudEventExecutor,
			DiscoveryClientProperties properties) {
		return new HeartbeatEventPublisher(serviceCache, cloudEventExecutor, properties.getChangeEventDelay());
	}

	@Bean
	@ConditionalOnMissingBean
	InstanceRegisteredEventPublisher instanceRegisteredEventPublisher(ObjectProvider<InstanceRegistrar> registrar,
			ObjectProvider<EtcdServiceRegistration> registration, ObjectProvider<ServiceCache> serviceCache,
			CloudEventExecutor cloudEventExecutor) {
		InstanceRegistrar instanceRegistrar = registrar.getIfAvailable();
		ServiceCache cache = serviceCache.getIfAvailable();
		EtcdServiceRegistration thisInstance = registration.getIfAvailable();
		Object config = (thisInstance != null) ? thisInstance : (instanceRegistrar != null) ? instanceRegistrar : cache;
		// The condition of this auto-configuration: a registrar or a cache.
		Assert.state(config != null, "Neither a registrar nor a cache");
		return new InstanceRegisteredEventPublisher(instanceRegistrar, cache, config, cloudEventExecutor);
	}

	static class OnRegistrationOrDiscovery extends AnyNestedCondition {

		OnRegistrationOrDiscovery() {
			super(ConfigurationCondition.ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBean(ServiceCache.class)
		static class Discovery {

		}

		@ConditionalOnBean(InstanceRegistrar.class)
		static class Registration {

		}

	}

}

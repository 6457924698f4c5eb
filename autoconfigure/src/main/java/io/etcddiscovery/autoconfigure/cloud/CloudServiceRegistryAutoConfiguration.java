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

import io.etcddiscovery.actuate.ServiceRegistryStatusAdvisor;
import io.etcddiscovery.autoconfigure.DiscoveryRegistrationAutoConfiguration;
import io.etcddiscovery.cloud.EtcdCloudServiceRegistry;
import io.etcddiscovery.cloud.EtcdServiceRegistration;
import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.StatusPublisher;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.cloud.client.serviceregistry.ServiceRegistryAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of Spring Cloud's {@link ServiceRegistry} contract over this
 * starter's registration, for {@code /actuator/serviceregistry} (where an invalid status
 * is answered with {@code 400 Bad Request}) and for code that registers and deregisters
 * through the contract.
 *
 * @author etcd-discovery authors
 */
@AutoConfiguration(after = DiscoveryRegistrationAutoConfiguration.class,
		before = ServiceRegistryAutoConfiguration.class)
@ConditionalOnClass(ServiceRegistry.class)
@ConditionalOnBean({ InstanceRegistrar.class, StatusPublisher.class })
public final class CloudServiceRegistryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EtcdServiceRegistration etcdServiceRegistration(InstanceRegistrar instanceRegistrar, Environment environment) {
		return new EtcdServiceRegistration(instanceRegistrar, environment.getProperty("discovery.service-name",
				environment.getProperty("spring.application.name", "")));
	}

	@Bean
	@ConditionalOnMissingBean
	EtcdCloudServiceRegistry etcdCloudServiceRegistry(StatusPublisher statusPublisher,
			InstanceRegistrar instanceRegistrar) {
		return new EtcdCloudServiceRegistry(statusPublisher, instanceRegistrar);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor",
			"org.springframework.cloud.client.serviceregistry.endpoint.ServiceRegistryEndpoint" })
	static class ServiceRegistryEndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ServiceRegistryStatusAdvisor serviceRegistryStatusAdvisor() {
			return new ServiceRegistryStatusAdvisor();
		}

	}

}

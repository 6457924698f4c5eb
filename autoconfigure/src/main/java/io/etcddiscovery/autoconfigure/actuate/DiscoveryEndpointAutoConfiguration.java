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

package io.etcddiscovery.autoconfigure.actuate;

import java.time.Clock;
import java.util.List;

import io.etcddiscovery.actuate.CachedServices;
import io.etcddiscovery.actuate.DiscoveryEndpoint;
import io.etcddiscovery.actuate.DiscoveryEndpointRuntimeHints;
import io.etcddiscovery.autoconfigure.ConditionalOnEtcdDiscoveryEnabled;
import io.etcddiscovery.autoconfigure.DiscoveryClientAutoConfiguration;
import io.etcddiscovery.autoconfigure.DiscoveryRegistrationAutoConfiguration;
import io.etcddiscovery.autoconfigure.EtcdConnectionDetails;
import io.etcddiscovery.autoconfigure.RegistrationProperties;
import io.etcddiscovery.autoconfigure.cloud.CloudLoadBalancerAutoConfiguration;
import io.etcddiscovery.cloud.EjectedInstances;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.discovery.WarmUp;
import io.etcddiscovery.registration.HealthCheckLoop;
import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.StatusPublisher;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportRuntimeHints;

/**
 * Auto-configuration of the {@code discovery} actuator endpoint.
 *
 * @author etcd-discovery authors
 */
@AutoConfiguration(after = { DiscoveryRegistrationAutoConfiguration.class, DiscoveryClientAutoConfiguration.class,
		CloudLoadBalancerAutoConfiguration.class })
@ConditionalOnClass(Endpoint.class)
@ConditionalOnEtcdDiscoveryEnabled
@ConditionalOnAvailableEndpoint(DiscoveryEndpoint.class)
@EnableConfigurationProperties(RegistrationProperties.class)
@ImportRuntimeHints(DiscoveryEndpointRuntimeHints.class)
public final class DiscoveryEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DiscoveryEndpoint discoveryEndpoint(ObjectProvider<InstanceRegistrar> registrar,
			ObjectProvider<HealthCheckLoop> heartbeat, ObjectProvider<StatusPublisher> statusPublisher,
			ObjectProvider<ServiceCache> serviceCache, ObjectProvider<EjectedInstances> ejectedInstances,
			ObjectProvider<EtcdConnectionDetails> connectionDetails, ObjectProvider<WarmUp> warmUp,
			RegistrationProperties properties) {
		EtcdConnectionDetails etcd = connectionDetails.getIfAvailable();
		ServiceCache cache = serviceCache.getIfAvailable();
		EjectedInstances ejected = ejectedInstances.getIfAvailable();
		return new DiscoveryEndpoint(registrar.getIfAvailable(), heartbeat.getIfAvailable(),
				statusPublisher.getIfAvailable(), properties.getNamespace(),
				(etcd != null) ? etcd.getEndpoints() : List.of(),
				(cache != null) ? new CachedServices(cache, warmUp.getIfAvailable(), Clock.systemUTC()) : null,
				(ejected != null) ? ejected::describe : null, Clock.systemUTC());
	}

}

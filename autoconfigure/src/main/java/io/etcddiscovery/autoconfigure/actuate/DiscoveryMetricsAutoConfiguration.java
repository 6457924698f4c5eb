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

import io.etcddiscovery.autoconfigure.ConditionalOnEtcdDiscoveryEnabled;
import io.etcddiscovery.autoconfigure.DiscoveryClientAutoConfiguration;
import io.etcddiscovery.autoconfigure.DiscoveryRegistrationAutoConfiguration;
import io.etcddiscovery.autoconfigure.EtcdClientAutoConfiguration;
import io.etcddiscovery.autoconfigure.cloud.CloudLoadBalancerAutoConfiguration;
import io.etcddiscovery.cloud.EjectedInstances;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.etcd.MemberFailover;
import io.etcddiscovery.metrics.DiscoveryMetrics;
import io.etcddiscovery.metrics.EjectionMetrics;
import io.etcddiscovery.metrics.MemberFailoverMetrics;
import io.etcddiscovery.registration.HealthCheckLoop;
import io.etcddiscovery.registration.InstanceRegistrar;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code discovery.*} Micrometer metrics.
 *
 * @author etcd-discovery authors
 */
@AutoConfiguration(after = { EtcdClientAutoConfiguration.class, DiscoveryRegistrationAutoConfiguration.class,
		DiscoveryClientAutoConfiguration.class, CloudLoadBalancerAutoConfiguration.class })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnEtcdDiscoveryEnabled
public final class DiscoveryMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DiscoveryMetrics discoveryMetrics(ObjectProvider<InstanceRegistrar> registrar,
			ObjectProvider<HealthCheckLoop> heartbeat, ObjectProvider<ServiceCache> serviceCache) {
		return new DiscoveryMetrics(registrar.getIfAvailable(), heartbeat.getIfAvailable(),
				serviceCache.getIfAvailable());
	}

	@Bean
	@ConditionalOnBean(MemberFailover.class)
	@ConditionalOnMissingBean
	MemberFailoverMetrics memberFailoverMetrics(MemberFailover memberFailover) {
		return new MemberFailoverMetrics(memberFailover);
	}

	@Bean
	@ConditionalOnBean(EjectedInstances.class)
	@ConditionalOnMissingBean
	EjectionMetrics ejectionMetrics(EjectedInstances ejectedInstances) {
		return new EjectionMetrics(ejectedInstances);
	}

}

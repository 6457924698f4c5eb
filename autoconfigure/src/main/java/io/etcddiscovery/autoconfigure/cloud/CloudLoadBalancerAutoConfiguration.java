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

import java.time.Clock;

import io.etcddiscovery.autoconfigure.ConditionalOnEtcdDiscoveryClientEnabled;
import io.etcddiscovery.autoconfigure.DiscoveryClientProperties;
import io.etcddiscovery.autoconfigure.DiscoveryThreads;
import io.etcddiscovery.cloud.EjectedInstances;
import io.etcddiscovery.cloud.EjectedInstancesRuntimeHints;
import io.etcddiscovery.cloud.EjectingLoadBalancerLifecycle;
import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.etcddiscovery.discovery.ServiceCache;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Auto-configuration that makes Spring Cloud LoadBalancer read the instances of every
 * service from the local cache of etcd, pushed on every change, through
 * {@link EtcdLoadBalancerClientConfiguration} as the default configuration of every
 * load-balanced client.
 * <p>
 * Instances that refuse a connection are ejected ({@link EjectedInstances}): every load
 * balancer of the application skips them until they accept connections again or etcd
 * removes them ({@code discovery.client.ejection.*}).
 *
 * @author etcd-discovery authors
 */
@AutoConfiguration(after = CloudDiscoveryAutoConfiguration.class)
@ConditionalOnClass(ServiceInstanceListSupplier.class)
@ConditionalOnBean(EtcdDiscoveryClient.class)
@ConditionalOnDiscoveryEnabled
@ConditionalOnEtcdDiscoveryClientEnabled
@ConditionalOnBooleanProperty(name = "spring.cloud.loadbalancer.enabled", matchIfMissing = true)
@LoadBalancerClients(defaultConfiguration = EtcdLoadBalancerClientConfiguration.class)
@EnableConfigurationProperties(DiscoveryClientProperties.class)
public final class CloudLoadBalancerAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "discovery.client.ejection.enabled", matchIfMissing = true)
	@ImportRuntimeHints(EjectedInstancesRuntimeHints.class)
	static class EjectionConfiguration {

		// The thread that probes ejected instances, etcd-discovery-ejections-1.
		static final String EJECTION_PROBER_BEAN_NAME = "etcdEjectionProber";

		@Bean(name = EJECTION_PROBER_BEAN_NAME, defaultCandidate = false)
		@ConditionalOnMissingBean(name = EJECTION_PROBER_BEAN_NAME)
		ThreadPoolTaskScheduler etcdEjectionProber(Environment environment) {
			// One thread of its own, started with the first ejection: the probes are
			// blocking connects, kept off the shared workers.
			// An ended ejection's probe leaves the queue at once; requests are still
			// load-balanced, and their instances ejected, while the context closes.
			return DiscoveryThreads.timer(EjectedInstances.THREAD_NAME_PREFIX, environment);
		}

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean
		EjectedInstances etcdEjectedInstances(ServiceCache serviceCache, DiscoveryClientProperties properties,
				@Qualifier(EJECTION_PROBER_BEAN_NAME) TaskScheduler etcdEjectionProber) {
			return new EjectedInstances(serviceCache, properties.getEjection().getProbeInterval(), Clock.systemUTC(),
					etcdEjectionProber);
		}

		@Bean
		@ConditionalOnMissingBean
		EjectingLoadBalancerLifecycle etcdEjectingLoadBalancerLifecycle(EjectedInstances etcdEjectedInstances) {
			return new EjectingLoadBalancerLifecycle(etcdEjectedInstances);
		}

	}

}

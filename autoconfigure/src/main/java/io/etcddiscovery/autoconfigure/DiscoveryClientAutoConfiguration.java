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

import io.etcd.jetcd.Client;
import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.etcddiscovery.discovery.RemovalProtection;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.discovery.ServiceCacheLifecycle;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.KeyLayout;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.TaskScheduler;

/**
 * Auto-configuration of the discovery of other services: a {@link ServiceCache} of this
 * application's namespace, started with the application context, and the
 * {@link EtcdDiscoveryClient} that reads it.
 *
 * @author etcd-discovery authors
 */
@AutoConfiguration(after = EtcdClientAutoConfiguration.class)
@ConditionalOnClass(Client.class)
@ConditionalOnBean(Client.class)
@ConditionalOnEtcdDiscoveryClientEnabled
@EnableConfigurationProperties({ RegistrationProperties.class, DiscoveryClientProperties.class, EtcdProperties.class })
public final class DiscoveryClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ServiceCache serviceCache(Client etcdClient, KeyLayout etcdKeyLayout, Backoff discoveryBackoff,
			@Qualifier(EtcdClientAutoConfiguration.TASK_SCHEDULER_BEAN_NAME) TaskScheduler discoveryScheduler,
			RegistrationProperties properties, DiscoveryClientProperties client, EtcdProperties etcd) {
		DiscoveryClientProperties.Protection protection = client.getProtection();
		return new ServiceCache(etcdClient, etcdKeyLayout.namespacePrefix(properties.getNamespace()),
				EtcdTimeouts.requestTimeout(etcd, properties.getTtl()), client.getInitialLookupTimeout(),
				discoveryBackoff, Clock.systemUTC(), discoveryScheduler,
				protection.isEnabled() ? new RemovalProtection(true, protection.getThreshold(), protection.getWindow(),
						protection.getMaxHold()) : RemovalProtection.DISABLED);
	}

	@Bean
	@ConditionalOnMissingBean
	ServiceCacheLifecycle serviceCacheLifecycle(ServiceCache serviceCache) {
		return new ServiceCacheLifecycle(serviceCache);
	}

	@Bean
	@ConditionalOnMissingBean
	EtcdDiscoveryClient etcdDiscoveryClient(ServiceCache serviceCache, DiscoveryClientProperties client) {
		return new EtcdDiscoveryClient(serviceCache, client.isOnlyUp());
	}

}

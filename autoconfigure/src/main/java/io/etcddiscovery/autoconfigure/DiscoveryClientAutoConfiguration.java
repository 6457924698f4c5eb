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

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.etcd.jetcd.Client;
import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.etcddiscovery.discovery.LastKnownInstancesFile;
import io.etcddiscovery.discovery.RemovalProtection;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.discovery.ServiceCacheLifecycle;
import io.etcddiscovery.discovery.WarmUp;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.KeyLayout;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.scheduling.TaskScheduler;

/**
 * Auto-configuration of the discovery of other services: a {@link ServiceCache} of this
 * application's namespace, started with the application context, and the
 * {@link EtcdDiscoveryClient} that reads it. The cache keeps what it knows in a
 * {@link LastKnownInstancesFile} unless {@code discovery.client.snapshot.enabled} is
 * false. With {@code discovery.client.warm-up} set, a {@link WarmUp} gives the instances
 * that become UP after start a growing share of load-balanced requests.
 *
 * @author etcd-discovery authors
 */
@AutoConfiguration(after = EtcdClientAutoConfiguration.class)
@ConditionalOnClass(Client.class)
@ConditionalOnBean(Client.class)
@ConditionalOnEtcdDiscoveryClientEnabled
@EnableConfigurationProperties({ RegistrationProperties.class, DiscoveryClientProperties.class, EtcdProperties.class,
		LayoutsProperties.class })
public final class DiscoveryClientAutoConfiguration {

	private static final Log logger = LogFactory.getLog(DiscoveryClientAutoConfiguration.class);

	private static final String WARM_UP_PROPERTY = "discovery.client.warm-up";

	@Bean
	@ConditionalOnMissingBean
	ServiceCache serviceCache(Client etcdClient, KeyLayout etcdKeyLayout, Backoff discoveryBackoff,
			@Qualifier(EtcdClientAutoConfiguration.TASK_SCHEDULER_BEAN_NAME) TaskScheduler discoveryScheduler,
			RegistrationProperties properties, DiscoveryClientProperties client, EtcdProperties etcd,
			LayoutsProperties layouts, ObjectProvider<EtcdConnectionDetails> connectionDetails) {
		String prefix = etcdKeyLayout.namespacePrefix(properties.getNamespace());
		EtcdConnectionDetails details = connectionDetails.getIfAvailable();
		Clock clock = Clock.systemUTC();
		return new ServiceCache(etcdClient, prefix, EtcdTimeouts.requestTimeout(etcd, properties.getTtl()),
				client.getInitialLookupTimeout(), discoveryBackoff, clock, discoveryScheduler,
				LayoutCodecs.of(layouts, layouts.getRead(), prefix),
				lastKnownFile(client.getSnapshot(), prefix,
						(details != null) ? details.getEndpoints() : etcd.getEndpoints(), clock),
				removalProtection(client.getProtection()));
	}

	private static RemovalProtection removalProtection(DiscoveryClientProperties.Protection protection) {
		return protection.isEnabled() ? new RemovalProtection(true, protection.getThreshold(), protection.getWindow(),
				protection.getMaxHold()) : RemovalProtection.DISABLED;
	}

	private static @Nullable LastKnownInstancesFile lastKnownFile(DiscoveryClientProperties.Snapshot snapshot,
			String prefix, List<String> endpoints, Clock clock) {
		if (!snapshot.isEnabled()) {
			return null;
		}
		Path directory = snapshot.getDirectory();
		if (directory == null) {
			String home = System.getProperty("user.home");
			if (home == null || home.isBlank() || "?".equals(home)) {
				// A container user without a home directory: Java reports '?'.
				logger.warn("No home directory for the last-known instances of " + prefix
						+ ": set 'discovery.client.snapshot.directory', or 'discovery.client.snapshot.enabled' to false");
				return null;
			}
			directory = Path.of(home, ".etcd-discovery", "snapshots");
		}
		return new LastKnownInstancesFile(LastKnownInstancesFile.fileOf(directory, prefix, endpoints), prefix,
				snapshot.getWriteInterval(), clock);
	}

	@Bean
	@ConditionalOnMissingBean
	ServiceCacheLifecycle serviceCacheLifecycle(ServiceCache serviceCache) {
		return new ServiceCacheLifecycle(serviceCache);
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(WarmUpCondition.class)
	WarmUp discoveryWarmUp(ServiceCache serviceCache, DiscoveryClientProperties client) {
		return new WarmUp(client.getWarmUp(), serviceCache);
	}

	@Bean
	@ConditionalOnMissingBean
	EtcdDiscoveryClient etcdDiscoveryClient(ServiceCache serviceCache, DiscoveryClientProperties client) {
		return new EtcdDiscoveryClient(serviceCache, client.isOnlyUp());
	}

	/**
	 * Matches when {@code discovery.client.warm-up} is longer than zero.
	 */
	static class WarmUpCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("Warm-up of new instances");
			Duration warmUp = Binder.get(context.getEnvironment())
				.bind(WARM_UP_PROPERTY, Duration.class)
				.orElse(Duration.ZERO);
			return (warmUp.isNegative() || warmUp.isZero())
					? ConditionOutcome.noMatch(message.because("'%s' is not set".formatted(WARM_UP_PROPERTY)))
					: ConditionOutcome.match(message.found("property").items(WARM_UP_PROPERTY + "=" + warmUp));
		}

	}

}

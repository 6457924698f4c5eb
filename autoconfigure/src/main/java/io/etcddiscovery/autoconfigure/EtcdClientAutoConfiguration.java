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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.DiscoveryScheduler;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.etcd.MemberFailover;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the jetcd {@link Client} used to register and discover services,
 * and of what registration and discovery share: the {@link DiscoveryScheduler} whose
 * threads they run on, the {@link KeyLayout} and the {@link Backoff} of their retries.
 * The client connects with the {@link EtcdConnectionDetails} (from
 * {@code discovery.etcd.*} unless a container or a platform supplies them).
 *
 * @author etcd-discovery authors
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnClass(Client.class)
@ConditionalOnEtcdDiscoveryEnabled
@EnableConfigurationProperties({ DiscoveryProperties.class, EtcdProperties.class })
public final class EtcdClientAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	DiscoveryScheduler discoveryScheduler() {
		return new DiscoveryScheduler();
	}

	@Bean
	@ConditionalOnMissingBean
	KeyLayout etcdKeyLayout(EtcdProperties etcd) {
		return new KeyLayout(etcd.getKeyPrefix());
	}

	@Bean
	@ConditionalOnMissingBean
	Backoff discoveryBackoff(DiscoveryProperties properties) {
		RetryProperties retry = properties.getRetry();
		return new Backoff(retry.getInitialInterval(), retry.getMaxInterval(), retry.getMultiplier());
	}

	@Bean
	@ConditionalOnMissingBean(EtcdConnectionDetails.class)
	PropertiesEtcdConnectionDetails etcdConnectionDetails(EtcdProperties etcd, ObjectProvider<SslBundles> sslBundles) {
		return new PropertiesEtcdConnectionDetails(etcd, sslBundles.getIfAvailable());
	}

	@Bean(destroyMethod = "shutdown")
	@ConditionalOnMissingBean(Client.class)
	EtcdClientExecutor etcdClientExecutor() {
		return new EtcdClientExecutor();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(Client.class)
	MemberFailover etcdMemberFailover(DiscoveryProperties properties, EtcdProperties etcd,
			EtcdClientExecutor etcdClientExecutor) {
		return new MemberFailover(EtcdTimeouts.memberTimeout(etcd, properties.getTtl()),
				EtcdTimeouts.idleWatchInterval(properties.getTtl()), etcdClientExecutor.watchdogScheduler());
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	Client etcdClient(EtcdConnectionDetails connectionDetails, DiscoveryProperties properties, EtcdProperties etcd,
			KeyLayout etcdKeyLayout, EtcdClientExecutor etcdClientExecutor,
			ObjectProvider<MemberFailover> memberFailover, ObjectProvider<EtcdClientBuilderCustomizer> customizers) {
		List<String> endpoints = connectionDetails.getEndpoints();
		ClientBuilder builder = Client.builder()
			.target(EtcdTarget.of(endpoints))
			// Threads named after this library and shut down with the context.
			.executorService(etcdClientExecutor.executorService())
			.connectTimeout(etcd.getConnectTimeout())
			// Fail calls at once while no endpoint is reachable instead of queueing them:
			// every caller retries on its own schedule.
			.waitForReady(false)
			.interceptor(etcdClientExecutor.callbacks());
		String username = connectionDetails.getUsername();
		String password = connectionDetails.getPassword();
		if (username != null && password != null) {
			builder.user(ByteSequence.from(username.getBytes(StandardCharsets.UTF_8)));
			builder.password(ByteSequence.from(password.getBytes(StandardCharsets.UTF_8)));
		}
		SslContext sslContext = sslContext(endpoints, connectionDetails.getSslBundle());
		if (sslContext != null) {
			builder.sslContext(sslContext);
		}
		MemberFailover failover = memberFailover.getIfAvailable();
		if (failover != null && EtcdTarget.addresses(endpoints) > 1) {
			// With one member there is nowhere to move to.
			failover.configure(builder);
		}
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		String warmUpKey = etcdKeyLayout.namespacePrefix(properties.getNamespace());
		Duration warmUpTimeout = etcd.getConnectTimeout().plus(EtcdTimeouts.requestTimeout(etcd, properties.getTtl()));
		// Built, and connected, beside the rest of the start-up.
		return new DeferredEtcdClient(builder,
				(client) -> EtcdConnectionWarmUp.connect(client, warmUpKey, warmUpTimeout),
				etcdClientExecutor.executorService());
	}

	private @Nullable SslContext sslContext(List<String> endpoints, @Nullable SslBundle bundle) {
		if (bundle != null) {
			return sslContext(bundle);
		}
		if (endpoints.stream().anyMatch((endpoint) -> endpoint.trim().startsWith("https:"))) {
			return sslContext((SslBundle) null);
		}
		return null;
	}

	private SslContext sslContext(@Nullable SslBundle bundle) {
		try {
			// The JDK's TLS, which SSL bundles are made for: GrpcSslContexts.forClient()
			// would
			// probe for OpenSSL (netty-tcnative) first, and that System.loadLibrary call
			// prints a
			// native-access warning on Java 24 and later even when no native library is
			// there.
			SslContextBuilder builder = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK);
			if (bundle != null) {
				builder.trustManager(bundle.getManagers().getTrustManagerFactory());
				if (bundle.getStores().getKeyStore() != null) {
					builder.keyManager(bundle.getManagers().getKeyManagerFactory());
				}
				SslOptions options = bundle.getOptions();
				if (options.getEnabledProtocols() != null) {
					builder.protocols(options.getEnabledProtocols());
				}
				if (options.getCiphers() != null) {
					builder.ciphers(List.of(options.getCiphers()));
				}
			}
			return builder.build();
		}
		catch (SSLException ex) {
			throw new IllegalStateException("Could not create the TLS context for etcd: " + ex.getMessage(), ex);
		}
	}

}

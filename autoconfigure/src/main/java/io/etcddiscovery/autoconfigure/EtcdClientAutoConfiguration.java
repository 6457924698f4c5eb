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

import java.time.Duration;

import javax.net.ssl.SSLException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcddiscovery.etcd.MemberFailover;
import io.etcddiscovery.registration.KeyLayout;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the jetcd {@link Client} used to register and discover services.
 *
 * @author etcd-discovery authors
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnClass(Client.class)
@ConditionalOnBooleanProperty(name = "discovery.enabled", matchIfMissing = true)
@EnableConfigurationProperties(DiscoveryProperties.class)
public final class EtcdClientAutoConfiguration {

	@Bean(destroyMethod = "shutdown")
	@ConditionalOnMissingBean(Client.class)
	EtcdClientExecutor etcdClientExecutor() {
		return new EtcdClientExecutor();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(Client.class)
	MemberFailover etcdMemberFailover(DiscoveryProperties properties, EtcdClientExecutor etcdClientExecutor) {
		return new MemberFailover(EtcdTimeouts.memberTimeout(properties),
				EtcdTimeouts.idleWatchInterval(properties.getTtl()), etcdClientExecutor.watchdogScheduler());
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	Client etcdClient(DiscoveryProperties properties, EtcdClientExecutor etcdClientExecutor,
			ObjectProvider<MemberFailover> memberFailover, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<EtcdClientBuilderCustomizer> customizers) {
		DiscoveryProperties.Etcd etcd = properties.getEtcd();
		ClientBuilder builder = Client.builder()
			.target(EtcdTarget.of(etcd.getEndpoints()))
			// Threads named after this library and shut down with the context.
			.executorService(etcdClientExecutor.executorService())
			.connectTimeout(etcd.getConnectTimeout())
			// Fail calls at once while no endpoint is reachable instead of queueing them:
			// every caller retries on its own schedule.
			.waitForReady(false);
		if (etcd.getUsername() != null && etcd.getPassword() != null) {
			builder.user(ByteSequence.from(etcd.getUsername().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
			builder.password(ByteSequence.from(etcd.getPassword().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
		}
		SslContext sslContext = sslContext(etcd, sslBundles.getIfAvailable());
		if (sslContext != null) {
			builder.sslContext(sslContext);
		}
		MemberFailover failover = memberFailover.getIfAvailable();
		if (failover != null && EtcdTarget.addresses(etcd.getEndpoints()) > 1) {
			// With one member there is nowhere to move to.
			failover.configure(builder);
		}
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		String warmUpKey = new KeyLayout(etcd.getKeyPrefix()).namespacePrefix(properties.getNamespace());
		Duration warmUpTimeout = etcd.getConnectTimeout().plus(EtcdTimeouts.requestTimeout(properties));
		// Built, and connected, beside the rest of the start-up.
		return new DeferredEtcdClient(builder,
				(client) -> EtcdConnectionWarmUp.connect(client, warmUpKey, warmUpTimeout),
				etcdClientExecutor.executorService());
	}

	private @Nullable SslContext sslContext(DiscoveryProperties.Etcd etcd, @Nullable SslBundles sslBundles) {
		String bundleName = etcd.getSsl().getBundle();
		if (bundleName != null) {
			return sslContext(bundle(bundleName, sslBundles));
		}
		if (etcd.getEndpoints().stream().anyMatch((endpoint) -> endpoint.trim().startsWith("https:"))) {
			return sslContext(null);
		}
		return null;
	}

	private SslBundle bundle(String bundleName, @Nullable SslBundles sslBundles) {
		try {
			if (sslBundles == null) {
				throw new NoSuchSslBundleException(bundleName, "no SSL bundles are configured");
			}
			return sslBundles.getBundle(bundleName);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidDiscoveryPropertyException("discovery.etcd.ssl.bundle", bundleName,
					"no SSL bundle with that name is configured",
					"Define the bundle under 'spring.ssl.bundle.pem.%s' (or '.jks.%s'), or correct 'discovery.etcd.ssl.bundle'."
						.formatted(bundleName, bundleName));
		}
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
					builder.ciphers(java.util.List.of(options.getCiphers()));
				}
			}
			return builder.build();
		}
		catch (SSLException ex) {
			throw new IllegalStateException("Could not create the TLS context for etcd: " + ex.getMessage(), ex);
		}
	}

}

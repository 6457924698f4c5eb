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

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * Adapts {@link EtcdProperties} to {@link EtcdConnectionDetails}.
 *
 * @author etcd-discovery authors
 */
final class PropertiesEtcdConnectionDetails implements EtcdConnectionDetails {

	private final EtcdProperties properties;

	private final @Nullable SslBundles sslBundles;

	PropertiesEtcdConnectionDetails(EtcdProperties properties, @Nullable SslBundles sslBundles) {
		this.properties = properties;
		this.sslBundles = sslBundles;
	}

	@Override
	public List<String> getEndpoints() {
		return List.copyOf(this.properties.getEndpoints());
	}

	@Override
	public @Nullable String getUsername() {
		return this.properties.getUsername();
	}

	@Override
	public @Nullable String getPassword() {
		return this.properties.getPassword();
	}

	@Override
	public @Nullable SslBundle getSslBundle() {
		String name = this.properties.getSsl().getBundle();
		if (name == null) {
			return null;
		}
		try {
			if (this.sslBundles == null) {
				throw new NoSuchSslBundleException(name, "no SSL bundles are configured");
			}
			return this.sslBundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidConfigurationPropertyValueException("discovery.etcd.ssl.bundle", name,
					"no SSL bundle with that name is configured: define it under 'spring.ssl.bundle.pem.%s' (or '.jks.%s'), or correct 'discovery.etcd.ssl.bundle'"
						.formatted(name, name));
		}
	}

}

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

import java.util.Locale;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration that masks {@code discovery.etcd.password} in the {@code env} and
 * {@code configprops} endpoints even when they are configured to show values, so that the
 * etcd password is never shown by an endpoint.
 *
 * @author etcd-discovery authors
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class EtcdCredentialsSanitizingAutoConfiguration {

	private static final String PASSWORD_PROPERTY = "discovery.etcd.password";

	@Bean
	SanitizingFunction etcdPasswordSanitizingFunction() {
		// Matches the property however it is spelled: discovery.etcd.password,
		// DISCOVERY_ETCD_PASSWORD, discovery.etcd.Password...
		return SanitizingFunction.sanitizeValue().ifKeyMatches((key) -> PASSWORD_PROPERTY.equals(normalize(key)));
	}

	private static String normalize(String key) {
		return key.toLowerCase(Locale.ROOT).replace('_', '.').replace("-", "");
	}

}

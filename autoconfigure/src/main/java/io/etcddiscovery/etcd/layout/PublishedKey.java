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
package io.etcddiscovery.etcd.layout;

import java.nio.charset.StandardCharsets;

/**
 * A key and value as a framework's registrar writes them.
 *
 * @param key the key
 * @param value the value
 * @author etcd-discovery authors
 */
public record PublishedKey(String key, String value) {

	/**
	 * Return the value as UTF-8 bytes.
	 * @return the bytes
	 */
	public byte[] valueBytes() {
		return this.value.getBytes(StandardCharsets.UTF_8);
	}

}
